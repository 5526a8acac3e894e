from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httpx

from ...types import UNSET, Response, Unset

if TYPE_CHECKING:
    from ...client import AuthenticatedClient, Client
    from ...models.error import Error
    from ...models.models_all_sections_flag import ModelsAllSectionsFlag
    from ...models.models_response import ModelsResponse


def _get_kwargs(
    *,
    include: str | Unset = UNSET,
    details: ModelsAllSectionsFlag | Unset = UNSET,
    id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    tags: str | Unset = UNSET,
    modalities: str | Unset = UNSET,
    input_modalities: str | Unset = UNSET,
    output_modalities: str | Unset = UNSET,
    capabilities: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["include"] = include

    json_details: str | Unset = UNSET
    if not isinstance(details, Unset):
        json_details = details.value

    params["details"] = json_details

    params["id"] = id

    params["type"] = type_

    params["tags"] = tags

    params["modalities"] = modalities

    params["input_modalities"] = input_modalities

    params["output_modalities"] = output_modalities

    params["capabilities"] = capabilities

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/models",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ModelsResponse | None:
    from ... import errors
    from ...models.error import Error
    from ...models.models_response import ModelsResponse
    from ...types import loads

    if response.status_code == 200:
        response_200 = ModelsResponse.from_dict(loads(response.content))

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
) -> Response[Error | ModelsResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    include: str | Unset = UNSET,
    details: ModelsAllSectionsFlag | Unset = UNSET,
    id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    tags: str | Unset = UNSET,
    modalities: str | Unset = UNSET,
    input_modalities: str | Unset = UNSET,
    output_modalities: str | Unset = UNSET,
    capabilities: str | Unset = UNSET,
) -> Response[Error | ModelsResponse]:
    """List the model catalogue

     Returns the live model catalogue: every model's id, aliases, endpoint type, identity and tags, and
    with `include` its pricing, modalities and capabilities. Filters (`id`, which matches aliases too,
    `type`, `tags`, the modalities, `capabilities`) take comma-separated values, OR within one and AND
    across them. Answers carry an ETag.

    Args:
        include (str | Unset):  Example: pricing,capabilities.
        details (ModelsAllSectionsFlag | Unset):  Example: true.
        id (str | Unset):  Example: gpt-4o.
        type_ (str | Unset):  Example: openai/chat-completions.
        tags (str | Unset):  Example: playground:chat.
        modalities (str | Unset):  Example: image.
        input_modalities (str | Unset):  Example: text.
        output_modalities (str | Unset):  Example: video.
        capabilities (str | Unset):  Example: streaming.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ModelsResponse]
    """

    kwargs = _get_kwargs(
        include=include,
        details=details,
        id=id,
        type_=type_,
        tags=tags,
        modalities=modalities,
        input_modalities=input_modalities,
        output_modalities=output_modalities,
        capabilities=capabilities,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    include: str | Unset = UNSET,
    details: ModelsAllSectionsFlag | Unset = UNSET,
    id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    tags: str | Unset = UNSET,
    modalities: str | Unset = UNSET,
    input_modalities: str | Unset = UNSET,
    output_modalities: str | Unset = UNSET,
    capabilities: str | Unset = UNSET,
) -> Error | ModelsResponse | None:
    """List the model catalogue

     Returns the live model catalogue: every model's id, aliases, endpoint type, identity and tags, and
    with `include` its pricing, modalities and capabilities. Filters (`id`, which matches aliases too,
    `type`, `tags`, the modalities, `capabilities`) take comma-separated values, OR within one and AND
    across them. Answers carry an ETag.

    Args:
        include (str | Unset):  Example: pricing,capabilities.
        details (ModelsAllSectionsFlag | Unset):  Example: true.
        id (str | Unset):  Example: gpt-4o.
        type_ (str | Unset):  Example: openai/chat-completions.
        tags (str | Unset):  Example: playground:chat.
        modalities (str | Unset):  Example: image.
        input_modalities (str | Unset):  Example: text.
        output_modalities (str | Unset):  Example: video.
        capabilities (str | Unset):  Example: streaming.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ModelsResponse
    """

    return sync_detailed(
        client=client,
        include=include,
        details=details,
        id=id,
        type_=type_,
        tags=tags,
        modalities=modalities,
        input_modalities=input_modalities,
        output_modalities=output_modalities,
        capabilities=capabilities,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    include: str | Unset = UNSET,
    details: ModelsAllSectionsFlag | Unset = UNSET,
    id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    tags: str | Unset = UNSET,
    modalities: str | Unset = UNSET,
    input_modalities: str | Unset = UNSET,
    output_modalities: str | Unset = UNSET,
    capabilities: str | Unset = UNSET,
) -> Response[Error | ModelsResponse]:
    """List the model catalogue

     Returns the live model catalogue: every model's id, aliases, endpoint type, identity and tags, and
    with `include` its pricing, modalities and capabilities. Filters (`id`, which matches aliases too,
    `type`, `tags`, the modalities, `capabilities`) take comma-separated values, OR within one and AND
    across them. Answers carry an ETag.

    Args:
        include (str | Unset):  Example: pricing,capabilities.
        details (ModelsAllSectionsFlag | Unset):  Example: true.
        id (str | Unset):  Example: gpt-4o.
        type_ (str | Unset):  Example: openai/chat-completions.
        tags (str | Unset):  Example: playground:chat.
        modalities (str | Unset):  Example: image.
        input_modalities (str | Unset):  Example: text.
        output_modalities (str | Unset):  Example: video.
        capabilities (str | Unset):  Example: streaming.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ModelsResponse]
    """

    kwargs = _get_kwargs(
        include=include,
        details=details,
        id=id,
        type_=type_,
        tags=tags,
        modalities=modalities,
        input_modalities=input_modalities,
        output_modalities=output_modalities,
        capabilities=capabilities,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    include: str | Unset = UNSET,
    details: ModelsAllSectionsFlag | Unset = UNSET,
    id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    tags: str | Unset = UNSET,
    modalities: str | Unset = UNSET,
    input_modalities: str | Unset = UNSET,
    output_modalities: str | Unset = UNSET,
    capabilities: str | Unset = UNSET,
) -> Error | ModelsResponse | None:
    """List the model catalogue

     Returns the live model catalogue: every model's id, aliases, endpoint type, identity and tags, and
    with `include` its pricing, modalities and capabilities. Filters (`id`, which matches aliases too,
    `type`, `tags`, the modalities, `capabilities`) take comma-separated values, OR within one and AND
    across them. Answers carry an ETag.

    Args:
        include (str | Unset):  Example: pricing,capabilities.
        details (ModelsAllSectionsFlag | Unset):  Example: true.
        id (str | Unset):  Example: gpt-4o.
        type_ (str | Unset):  Example: openai/chat-completions.
        tags (str | Unset):  Example: playground:chat.
        modalities (str | Unset):  Example: image.
        input_modalities (str | Unset):  Example: text.
        output_modalities (str | Unset):  Example: video.
        capabilities (str | Unset):  Example: streaming.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ModelsResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            include=include,
            details=details,
            id=id,
            type_=type_,
            tags=tags,
            modalities=modalities,
            input_modalities=input_modalities,
            output_modalities=output_modalities,
            capabilities=capabilities,
        )
    ).parsed
