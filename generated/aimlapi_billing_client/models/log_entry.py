from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from ..models.log_origin import LogOrigin
from ..models.log_status import LogStatus
from ..types import Model

if TYPE_CHECKING:
    from ..models.token_counts import TokenCounts
    from ..models.transaction_amount import TransactionAmount


T = TypeVar("T", bound="LogEntry")


class LogEntry(Model):
    __slots__ = (
        "additional_properties",
        "client_request_id",
        "cost",
        "created",
        "inference_id",
        "model",
        "origin",
        "request_id",
        "status",
        "tokens",
    )
    __model_fields__ = (
        "created",
        "status",
        "origin",
        "model",
        "cost",
        "tokens",
        "request_id",
        "inference_id",
        "client_request_id",
    )

    created: str
    """ When the request was made, in UTC. """
    status: LogStatus
    """ Outcome of the request. A failed request is billed nothing, so its cost is zero. """
    origin: LogOrigin
    """ Where the request came from. """
    model: str
    """ Model the request was made to, as `source/alias`. """
    cost: TransactionAmount
    """ How much moved, always as a positive number. """
    tokens: TokenCounts
    """ Token counts for the request. Zero for models that are not billed per token. """
    request_id: None | str
    """ Identifier of the individual HTTP call. """
    inference_id: str
    """ Identifier of the inference. This is the value returned in the `x-inference-id` response header, and the
    `reference_id` of the matching charge in `GET /v2/billing/transactions`. """
    client_request_id: None | str
    """ The `X-Client-Request-Id` you sent with the request. Null when you sent none, and on rows recorded before
    this field existed. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        created: str,
        status: LogStatus,
        origin: LogOrigin,
        model: str,
        cost: TransactionAmount,
        tokens: TokenCounts,
        request_id: None | str,
        inference_id: str,
        client_request_id: None | str,
    ) -> None:
        self.created = created
        self.status = status
        self.origin = origin
        self.model = model
        self.cost = cost
        self.tokens = tokens
        self.request_id = request_id
        self.inference_id = inference_id
        self.client_request_id = client_request_id
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        created = self.created

        status = self.status.value

        origin = self.origin.value

        model = self.model

        cost = self.cost.to_dict()

        tokens = self.tokens.to_dict()

        request_id: None | str
        request_id = self.request_id

        inference_id = self.inference_id

        client_request_id: None | str
        client_request_id = self.client_request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created": created,
                "status": status,
                "origin": origin,
                "model": model,
                "cost": cost,
                "tokens": tokens,
                "request_id": request_id,
                "inference_id": inference_id,
                "client_request_id": client_request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.token_counts import TokenCounts
        from ..models.transaction_amount import TransactionAmount

        d = dict(src_dict)
        created = d.pop("created")

        status = LogStatus(d.pop("status"))

        origin = LogOrigin(d.pop("origin"))

        model = d.pop("model")

        cost = TransactionAmount.from_dict(d.pop("cost"))

        tokens = TokenCounts.from_dict(d.pop("tokens"))

        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))

        inference_id = d.pop("inference_id")

        def _parse_client_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_request_id = _parse_client_request_id(d.pop("client_request_id"))

        log_entry = cls(
            created=created,
            status=status,
            origin=origin,
            model=model,
            cost=cost,
            tokens=tokens,
            request_id=request_id,
            inference_id=inference_id,
            client_request_id=client_request_id,
        )

        log_entry.additional_properties = d
        return log_entry

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
