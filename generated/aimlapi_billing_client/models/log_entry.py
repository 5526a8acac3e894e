from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..models.log_origin import LogOrigin
from ..models.log_status import LogStatus
from ..types import (
    MISSING,
    Model,
    SchemaError,
    as_enum,
    as_model,
    as_object,
    as_string,
)

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
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        created = d.pop("created", MISSING)
        if type(created) is not str:
            created = as_string(created, "created", False)

        status = d.pop("status", MISSING)
        status = as_enum(LogStatus, status, "status", False)

        origin = d.pop("origin", MISSING)
        origin = as_enum(LogOrigin, origin, "origin", False)

        model = d.pop("model", MISSING)
        if type(model) is not str:
            model = as_string(model, "model", False)

        cost = d.pop("cost", MISSING)
        if type(cost) is dict:
            try:
                cost = TransactionAmount.from_dict(cost)
            except SchemaError as error_:
                raise error_.within("cost") from None
        else:
            cost = as_model(TransactionAmount, cost, "cost", False)

        tokens = d.pop("tokens", MISSING)
        if type(tokens) is dict:
            try:
                tokens = TokenCounts.from_dict(tokens)
            except SchemaError as error_:
                raise error_.within("tokens") from None
        else:
            tokens = as_model(TokenCounts, tokens, "tokens", False)

        request_id = d.pop("request_id", MISSING)
        if type(request_id) is not str:
            request_id = as_string(request_id, "request_id", True)

        inference_id = d.pop("inference_id", MISSING)
        if type(inference_id) is not str:
            inference_id = as_string(inference_id, "inference_id", False)

        client_request_id = d.pop("client_request_id", MISSING)
        if type(client_request_id) is not str:
            client_request_id = as_string(client_request_id, "client_request_id", True)

        instance_ = cls.__new__(cls)
        instance_.created = created
        instance_.status = status
        instance_.origin = origin
        instance_.model = model
        instance_.cost = cost
        instance_.tokens = tokens
        instance_.request_id = request_id
        instance_.inference_id = inference_id
        instance_.client_request_id = client_request_id

        instance_.additional_properties = d
        return instance_

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


# The models this one holds: imported once, here at the end, not in from_dict (an import statement
# there would run for every answer read). Two models that hold each other still load in either
# order: each class is defined before the other's module asks for it.
from ..models.token_counts import TokenCounts
from ..models.transaction_amount import TransactionAmount
