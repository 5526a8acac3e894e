from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from ...types import Response

if TYPE_CHECKING:
    from ...client import AuthenticatedClient, Client
    from ...models.delete_key_response import DeleteKeyResponse
    from ...models.error import Error


def _get_kwargs(
    prefix: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/keys/{prefix}".format(
            prefix=quote(str(prefix), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeleteKeyResponse | Error | None:
    from ... import errors
    from ...models.delete_key_response import DeleteKeyResponse
    from ...models.error import Error
    from ...types import loads

    if response.status_code == 200:
        response_200 = DeleteKeyResponse.from_dict(loads(response.content))

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(loads(response.content))

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(loads(response.content))

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(loads(response.content))

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(loads(response.content))

        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(loads(response.content))

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(loads(response.content))

        return response_500

    if response.status_code == 502:
        response_502 = Error.from_dict(loads(response.content))

        return response_502

    if response.status_code == 503:
        response_503 = Error.from_dict(loads(response.content))

        return response_503

    if response.status_code == 504:
        response_504 = Error.from_dict(loads(response.content))

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DeleteKeyResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    prefix: str,
    *,
    client: AuthenticatedClient,
) -> Response[DeleteKeyResponse | Error]:
    """Delete an API key

     Deletes a key; calls made with it fail from then on.

    Args:
        prefix (str):  Example: b747e891.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteKeyResponse | Error]
    """

    kwargs = _get_kwargs(
        prefix=prefix,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    prefix: str,
    *,
    client: AuthenticatedClient,
) -> DeleteKeyResponse | Error | None:
    """Delete an API key

     Deletes a key; calls made with it fail from then on.

    Args:
        prefix (str):  Example: b747e891.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteKeyResponse | Error
    """

    return sync_detailed(
        prefix=prefix,
        client=client,
    ).parsed


async def asyncio_detailed(
    prefix: str,
    *,
    client: AuthenticatedClient,
) -> Response[DeleteKeyResponse | Error]:
    """Delete an API key

     Deletes a key; calls made with it fail from then on.

    Args:
        prefix (str):  Example: b747e891.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteKeyResponse | Error]
    """

    kwargs = _get_kwargs(
        prefix=prefix,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    prefix: str,
    *,
    client: AuthenticatedClient,
) -> DeleteKeyResponse | Error | None:
    """Delete an API key

     Deletes a key; calls made with it fail from then on.

    Args:
        prefix (str):  Example: b747e891.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteKeyResponse | Error
    """

    return (
        await asyncio_detailed(
            prefix=prefix,
            client=client,
        )
    ).parsed
