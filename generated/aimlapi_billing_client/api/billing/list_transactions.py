from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httpx

from ...types import UNSET, Response, Unset

if TYPE_CHECKING:
    from ...client import AuthenticatedClient, Client
    from ...models.error import Error
    from ...models.transaction_direction import TransactionDirection
    from ...models.transaction_type import TransactionType
    from ...models.transactions_response import TransactionsResponse


def _get_kwargs(
    *,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    direction: TransactionDirection | Unset = UNSET,
    type_: TransactionType | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["from"] = from_

    params["to"] = to

    json_direction: str | Unset = UNSET
    if not isinstance(direction, Unset):
        json_direction = direction.value

    params["direction"] = json_direction

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_.value

    params["type"] = json_type_

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/billing/transactions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | TransactionsResponse | None:
    from ... import errors
    from ...models.error import Error
    from ...models.transactions_response import TransactionsResponse
    from ...types import loads

    if response.status_code == 200:
        response_200 = TransactionsResponse.from_dict(loads(response.content))

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
) -> Response[Error | TransactionsResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    direction: TransactionDirection | Unset = UNSET,
    type_: TransactionType | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Response[Error | TransactionsResponse]:
    """List ledger entries

     Returns one page of the account's ledger, newest first: one entry per balance movement (top-ups,
    bonuses, refunds, adjustments, model usage, expired credits). Filter by time (`from`, `to`),
    `direction` and `type`; follow `pagination.next_cursor`, passed back exactly as returned, for the
    next page.

    Args:
        from_ (str | Unset):  Example: 2026-08-01T00:00:00Z.
        to (str | Unset):  Example: 2026-08-18T00:00:00Z.
        direction (TransactionDirection | Unset): Which way the money moved. `amount` is always
            positive, so this is what carries the sign. Example: CHARGE.
        type_ (TransactionType | Unset): What produced the entry. Example: MODEL_USAGE.
        limit (int | Unset):  Default: 50. Example: 50.
        cursor (str | Unset):  Example: eyJ2IjoxLCJjIjoiMjAyNi0wOC0xN1QxMDowMDowMC4wMDBaIn0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TransactionsResponse]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        direction=direction,
        type_=type_,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    direction: TransactionDirection | Unset = UNSET,
    type_: TransactionType | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Error | TransactionsResponse | None:
    """List ledger entries

     Returns one page of the account's ledger, newest first: one entry per balance movement (top-ups,
    bonuses, refunds, adjustments, model usage, expired credits). Filter by time (`from`, `to`),
    `direction` and `type`; follow `pagination.next_cursor`, passed back exactly as returned, for the
    next page.

    Args:
        from_ (str | Unset):  Example: 2026-08-01T00:00:00Z.
        to (str | Unset):  Example: 2026-08-18T00:00:00Z.
        direction (TransactionDirection | Unset): Which way the money moved. `amount` is always
            positive, so this is what carries the sign. Example: CHARGE.
        type_ (TransactionType | Unset): What produced the entry. Example: MODEL_USAGE.
        limit (int | Unset):  Default: 50. Example: 50.
        cursor (str | Unset):  Example: eyJ2IjoxLCJjIjoiMjAyNi0wOC0xN1QxMDowMDowMC4wMDBaIn0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TransactionsResponse
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
        direction=direction,
        type_=type_,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    direction: TransactionDirection | Unset = UNSET,
    type_: TransactionType | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Response[Error | TransactionsResponse]:
    """List ledger entries

     Returns one page of the account's ledger, newest first: one entry per balance movement (top-ups,
    bonuses, refunds, adjustments, model usage, expired credits). Filter by time (`from`, `to`),
    `direction` and `type`; follow `pagination.next_cursor`, passed back exactly as returned, for the
    next page.

    Args:
        from_ (str | Unset):  Example: 2026-08-01T00:00:00Z.
        to (str | Unset):  Example: 2026-08-18T00:00:00Z.
        direction (TransactionDirection | Unset): Which way the money moved. `amount` is always
            positive, so this is what carries the sign. Example: CHARGE.
        type_ (TransactionType | Unset): What produced the entry. Example: MODEL_USAGE.
        limit (int | Unset):  Default: 50. Example: 50.
        cursor (str | Unset):  Example: eyJ2IjoxLCJjIjoiMjAyNi0wOC0xN1QxMDowMDowMC4wMDBaIn0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TransactionsResponse]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        direction=direction,
        type_=type_,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    direction: TransactionDirection | Unset = UNSET,
    type_: TransactionType | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Error | TransactionsResponse | None:
    """List ledger entries

     Returns one page of the account's ledger, newest first: one entry per balance movement (top-ups,
    bonuses, refunds, adjustments, model usage, expired credits). Filter by time (`from`, `to`),
    `direction` and `type`; follow `pagination.next_cursor`, passed back exactly as returned, for the
    next page.

    Args:
        from_ (str | Unset):  Example: 2026-08-01T00:00:00Z.
        to (str | Unset):  Example: 2026-08-18T00:00:00Z.
        direction (TransactionDirection | Unset): Which way the money moved. `amount` is always
            positive, so this is what carries the sign. Example: CHARGE.
        type_ (TransactionType | Unset): What produced the entry. Example: MODEL_USAGE.
        limit (int | Unset):  Default: 50. Example: 50.
        cursor (str | Unset):  Example: eyJ2IjoxLCJjIjoiMjAyNi0wOC0xN1QxMDowMDowMC4wMDBaIn0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TransactionsResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
            direction=direction,
            type_=type_,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
