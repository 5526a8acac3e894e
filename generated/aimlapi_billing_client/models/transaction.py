from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from ..models.transaction_direction import TransactionDirection
from ..models.transaction_type import TransactionType
from ..types import Model

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
        from ..models.transaction_amount import TransactionAmount

        d = dict(src_dict)
        created_at = d.pop("created_at")

        direction = TransactionDirection(d.pop("direction"))

        type_ = TransactionType(d.pop("type"))

        amount = TransactionAmount.from_dict(d.pop("amount"))

        def _parse_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model = _parse_model(d.pop("model"))

        def _parse_reference_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference_id = _parse_reference_id(d.pop("reference_id"))

        transaction = cls(
            created_at=created_at,
            direction=direction,
            type_=type_,
            amount=amount,
            model=model,
            reference_id=reference_id,
        )

        transaction.additional_properties = d
        return transaction

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
