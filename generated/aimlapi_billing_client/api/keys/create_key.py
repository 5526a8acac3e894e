from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httpx

from ...types import UNSET, Response, Unset

if TYPE_CHECKING:
    from ...client import AuthenticatedClient, Client
    from ...models.create_key_request import CreateKeyRequest
    from ...models.create_key_response import CreateKeyResponse
    from ...models.error import Error


def _get_kwargs(
    *,
    body: CreateKeyRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/keys",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()
    if "json" in _kwargs:
        from ...types import json_text

        _kwargs["content"] = json_text(_kwargs.pop("json")).encode()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreateKeyResponse | Error | None:
    from ... import errors
    from ...models.create_key_response import CreateKeyResponse
    from ...models.error import Error
    from ...types import loads

    if response.status_code == 200:
        response_200 = CreateKeyResponse.from_dict(loads(response.content))

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
) -> Response[CreateKeyResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateKeyRequest | Unset = UNSET,
) -> Response[CreateKeyResponse | Error]:
    """Create an API key

     Creates an API key, optionally with a name, a spending limit and scopes. The response is the only
    time the full key is returned: store it at once.

    Args:
        body (CreateKeyRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateKeyResponse | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateKeyRequest | Unset = UNSET,
) -> CreateKeyResponse | Error | None:
    """Create an API key

     Creates an API key, optionally with a name, a spending limit and scopes. The response is the only
    time the full key is returned: store it at once.

    Args:
        body (CreateKeyRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateKeyResponse | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateKeyRequest | Unset = UNSET,
) -> Response[CreateKeyResponse | Error]:
    """Create an API key

     Creates an API key, optionally with a name, a spending limit and scopes. The response is the only
    time the full key is returned: store it at once.

    Args:
        body (CreateKeyRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateKeyResponse | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateKeyRequest | Unset = UNSET,
) -> CreateKeyResponse | Error | None:
    """Create an API key

     Creates an API key, optionally with a name, a spending limit and scopes. The response is the only
    time the full key is returned: store it at once.

    Args:
        body (CreateKeyRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateKeyResponse | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
