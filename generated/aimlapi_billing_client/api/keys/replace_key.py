from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from ...types import Response

if TYPE_CHECKING:
    from ...client import AuthenticatedClient, Client
    from ...models.error import Error
    from ...models.replace_key_request import ReplaceKeyRequest
    from ...models.replace_key_response import ReplaceKeyResponse


def _get_kwargs(
    prefix: str,
    *,
    body: ReplaceKeyRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/keys/{prefix}".format(
            prefix=quote(str(prefix), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()
    if "json" in _kwargs:
        from ...types import json_text

        _kwargs["content"] = json_text(_kwargs.pop("json")).encode()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ReplaceKeyResponse | None:
    from ... import errors
    from ...models.error import Error
    from ...models.replace_key_response import ReplaceKeyResponse
    from ...types import loads

    if response.status_code == 200:
        response_200 = ReplaceKeyResponse.from_dict(loads(response.content))

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
) -> Response[Error | ReplaceKeyResponse]:
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
    body: ReplaceKeyRequest,
) -> Response[Error | ReplaceKeyResponse]:
    """Replace an API key's settings

     Sets the name, the disabled flag, the spending limit and the scopes of a key.

    Args:
        prefix (str):  Example: b747e891.
        body (ReplaceKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReplaceKeyResponse]
    """

    kwargs = _get_kwargs(
        prefix=prefix,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    prefix: str,
    *,
    client: AuthenticatedClient,
    body: ReplaceKeyRequest,
) -> Error | ReplaceKeyResponse | None:
    """Replace an API key's settings

     Sets the name, the disabled flag, the spending limit and the scopes of a key.

    Args:
        prefix (str):  Example: b747e891.
        body (ReplaceKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReplaceKeyResponse
    """

    return sync_detailed(
        prefix=prefix,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    prefix: str,
    *,
    client: AuthenticatedClient,
    body: ReplaceKeyRequest,
) -> Response[Error | ReplaceKeyResponse]:
    """Replace an API key's settings

     Sets the name, the disabled flag, the spending limit and the scopes of a key.

    Args:
        prefix (str):  Example: b747e891.
        body (ReplaceKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReplaceKeyResponse]
    """

    kwargs = _get_kwargs(
        prefix=prefix,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    prefix: str,
    *,
    client: AuthenticatedClient,
    body: ReplaceKeyRequest,
) -> Error | ReplaceKeyResponse | None:
    """Replace an API key's settings

     Sets the name, the disabled flag, the spending limit and the scopes of a key.

    Args:
        prefix (str):  Example: b747e891.
        body (ReplaceKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReplaceKeyResponse
    """

    return (
        await asyncio_detailed(
            prefix=prefix,
            client=client,
            body=body,
        )
    ).parsed
