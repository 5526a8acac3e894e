from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httpx

from ...types import UNSET, Response, Unset

if TYPE_CHECKING:
    from ...client import AuthenticatedClient, Client
    from ...models.error import Error
    from ...models.usage_response import UsageResponse


def _get_kwargs(
    *,
    period: str | Unset = UNSET,
    start: str | Unset = UNSET,
    end: str | Unset = UNSET,
    key_prefix: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["period"] = period

    params["start"] = start

    params["end"] = end

    params["key_prefix"] = key_prefix

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/usage",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | UsageResponse | None:
    from ... import errors
    from ...models.error import Error
    from ...models.usage_response import UsageResponse
    from ...types import loads

    if response.status_code == 200:
        response_200 = UsageResponse.from_dict(loads(response.content))

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
) -> Response[Error | UsageResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    period: str | Unset = UNSET,
    start: str | Unset = UNSET,
    end: str | Unset = UNSET,
    key_prefix: str | Unset = UNSET,
) -> Response[Error | UsageResponse]:
    """Get a key's spend over a time window

     Returns the total spend in USD and the number of charged requests of a key (yours unless
    `key_prefix` names another, which needs a management key) over a window given as `period` (`24h`,
    `7d`) or as `start` and `end`, at most 92 days.

    Args:
        period (str | Unset):  Example: 24h.
        start (str | Unset):  Example: 2026-07-01T00:00:00Z.
        end (str | Unset):  Example: 2026-07-28T00:00:00Z.
        key_prefix (str | Unset):  Example: abcd1234.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UsageResponse]
    """

    kwargs = _get_kwargs(
        period=period,
        start=start,
        end=end,
        key_prefix=key_prefix,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    period: str | Unset = UNSET,
    start: str | Unset = UNSET,
    end: str | Unset = UNSET,
    key_prefix: str | Unset = UNSET,
) -> Error | UsageResponse | None:
    """Get a key's spend over a time window

     Returns the total spend in USD and the number of charged requests of a key (yours unless
    `key_prefix` names another, which needs a management key) over a window given as `period` (`24h`,
    `7d`) or as `start` and `end`, at most 92 days.

    Args:
        period (str | Unset):  Example: 24h.
        start (str | Unset):  Example: 2026-07-01T00:00:00Z.
        end (str | Unset):  Example: 2026-07-28T00:00:00Z.
        key_prefix (str | Unset):  Example: abcd1234.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UsageResponse
    """

    return sync_detailed(
        client=client,
        period=period,
        start=start,
        end=end,
        key_prefix=key_prefix,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    period: str | Unset = UNSET,
    start: str | Unset = UNSET,
    end: str | Unset = UNSET,
    key_prefix: str | Unset = UNSET,
) -> Response[Error | UsageResponse]:
    """Get a key's spend over a time window

     Returns the total spend in USD and the number of charged requests of a key (yours unless
    `key_prefix` names another, which needs a management key) over a window given as `period` (`24h`,
    `7d`) or as `start` and `end`, at most 92 days.

    Args:
        period (str | Unset):  Example: 24h.
        start (str | Unset):  Example: 2026-07-01T00:00:00Z.
        end (str | Unset):  Example: 2026-07-28T00:00:00Z.
        key_prefix (str | Unset):  Example: abcd1234.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UsageResponse]
    """

    kwargs = _get_kwargs(
        period=period,
        start=start,
        end=end,
        key_prefix=key_prefix,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    period: str | Unset = UNSET,
    start: str | Unset = UNSET,
    end: str | Unset = UNSET,
    key_prefix: str | Unset = UNSET,
) -> Error | UsageResponse | None:
    """Get a key's spend over a time window

     Returns the total spend in USD and the number of charged requests of a key (yours unless
    `key_prefix` names another, which needs a management key) over a window given as `period` (`24h`,
    `7d`) or as `start` and `end`, at most 92 days.

    Args:
        period (str | Unset):  Example: 24h.
        start (str | Unset):  Example: 2026-07-01T00:00:00Z.
        end (str | Unset):  Example: 2026-07-28T00:00:00Z.
        key_prefix (str | Unset):  Example: abcd1234.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UsageResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            period=period,
            start=start,
            end=end,
            key_prefix=key_prefix,
        )
    ).parsed
