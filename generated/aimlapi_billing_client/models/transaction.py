from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..models.transaction_direction import TransactionDirection
from ..models.transaction_type import TransactionType
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
    from ..models.transaction_amount import TransactionAmount


T = TypeVar("T", bound="Transaction")


class Transaction(Model):
    __slots__ = (
        "additional_properties",
        "amount",
        "created_at",
        "direction",
        "model",
        "reference_id",
        "type_",
    )
    __model_fields__ = (
        "created_at",
        "direction",
        "type_",
        "amount",
        "model",
        "reference_id",
    )

    created_at: str
    """ When the entry was recorded, in UTC. """
    direction: TransactionDirection
    """ Which way the money moved. `amount` is always positive, so this is what carries the sign. """
    type_: TransactionType
    """ What produced the entry. """
    amount: TransactionAmount
    """ How much moved, always as a positive number. """
    model: None | str
    """ Model that produced the charge. Null on top-ups, on charges that are not model usage, and when the model
    could not be resolved. """
    reference_id: None | str
    """ Handle that ties the entry back to something you have. For `MODEL_USAGE` it is the inference id, for a
    payment it is the payment transaction id. Null when the entry has no caller-side handle, such as a bonus, an
    expiry or a manual adjustment. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        created_at: str,
        direction: TransactionDirection,
        type_: TransactionType,
        amount: TransactionAmount,
        model: None | str,
        reference_id: None | str,
    ) -> None:
        self.created_at = created_at
        self.direction = direction
        self.type_ = type_
        self.amount = amount
        self.model = model
        self.reference_id = reference_id
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        direction = self.direction.value

        type_ = self.type_.value

        amount = self.amount.to_dict()

        model: None | str
        model = self.model

        reference_id: None | str
        reference_id = self.reference_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "direction": direction,
                "type": type_,
                "amount": amount,
                "model": model,
                "reference_id": reference_id,
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
        created_at = d.pop("created_at", MISSING)
        if type(created_at) is not str:
            created_at = as_string(created_at, "created_at", False)

        direction = d.pop("direction", MISSING)
        direction = as_enum(TransactionDirection, direction, "direction", False)

        type_ = d.pop("type", MISSING)
        type_ = as_enum(TransactionType, type_, "type", False)

        amount = d.pop("amount", MISSING)
        if type(amount) is dict:
            try:
                amount = TransactionAmount.from_dict(amount)
            except SchemaError as error_:
                raise error_.within("amount") from None
        else:
            amount = as_model(TransactionAmount, amount, "amount", False)

        model = d.pop("model", MISSING)
        if type(model) is not str:
            model = as_string(model, "model", True)

        reference_id = d.pop("reference_id", MISSING)
        if type(reference_id) is not str:
            reference_id = as_string(reference_id, "reference_id", True)

        instance_ = cls.__new__(cls)
        instance_.created_at = created_at
        instance_.direction = direction
        instance_.type_ = type_
        instance_.amount = amount
        instance_.model = model
        instance_.reference_id = reference_id

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
from ..models.transaction_amount import TransactionAmount
