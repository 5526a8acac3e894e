from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    Model,
    as_boolean,
    as_datetime,
    as_number,
    as_object,
    as_string,
)

T = TypeVar("T", bound="BalanceResponse")


class BalanceResponse(Model):
    __slots__ = (
        "additional_properties",
        "auto_debit_status",
        "balance",
        "last_updated",
        "low_balance",
        "low_balance_threshold",
        "status",
        "status_explanation",
    )
    __model_fields__ = (
        "balance",
        "low_balance",
        "low_balance_threshold",
        "last_updated",
        "auto_debit_status",
        "status",
        "status_explanation",
    )

    balance: Decimal
    """ The total credits associated with the provided API key. """
    low_balance: bool
    """ True if the balance is below the threshold. """
    low_balance_threshold: Decimal
    """ Threshold for switching to low balance status. """
    last_updated: datetime.datetime
    """ The date of the request — i.e., the current date. """
    auto_debit_status: str
    """ Indicates whether auto top-up is enabled for the plan. """
    status: str
    """ The status of the plan associated with the provided API key. """
    status_explanation: str
    """ A more detailed explanation of the plan status. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        balance: Decimal,
        low_balance: bool,
        low_balance_threshold: Decimal,
        last_updated: datetime.datetime,
        auto_debit_status: str,
        status: str,
        status_explanation: str,
    ) -> None:
        if type(balance) is int and -SMALL_INT < balance < SMALL_INT:
            balance = Decimal(balance)
        elif (
            type(balance) is not Decimal
            or not balance.is_finite()
            or not -325 < balance.adjusted() < 308
            or len(str(balance)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            balance = as_number(balance, "balance", False)

        self.balance = balance
        self.low_balance = low_balance
        if (
            type(low_balance_threshold) is int
            and -SMALL_INT < low_balance_threshold < SMALL_INT
        ):
            low_balance_threshold = Decimal(low_balance_threshold)
        elif (
            type(low_balance_threshold) is not Decimal
            or not low_balance_threshold.is_finite()
            or not -325 < low_balance_threshold.adjusted() < 308
            or len(str(low_balance_threshold)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            low_balance_threshold = as_number(
                low_balance_threshold, "lowBalanceThreshold", False
            )

        self.low_balance_threshold = low_balance_threshold
        self.last_updated = last_updated
        self.auto_debit_status = auto_debit_status
        self.status = status
        self.status_explanation = status_explanation
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        balance = self.balance

        low_balance = self.low_balance

        low_balance_threshold = self.low_balance_threshold

        last_updated = self.last_updated.isoformat()

        auto_debit_status = self.auto_debit_status

        status = self.status

        status_explanation = self.status_explanation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "balance": balance,
                "lowBalance": low_balance,
                "lowBalanceThreshold": low_balance_threshold,
                "lastUpdated": last_updated,
                "autoDebitStatus": auto_debit_status,
                "status": status,
                "statusExplanation": status_explanation,
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
        balance = d.pop("balance", MISSING)
        if type(balance) is int and -SMALL_INT < balance < SMALL_INT:
            balance = Decimal(balance)
        elif (
            type(balance) is not Decimal
            or not balance.is_finite()
            or not -325 < balance.adjusted() < 308
            or len(str(balance)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            balance = as_number(balance, "balance", False)

        low_balance = d.pop("lowBalance", MISSING)
        if type(low_balance) is not bool:
            low_balance = as_boolean(low_balance, "lowBalance", False)

        low_balance_threshold = d.pop("lowBalanceThreshold", MISSING)
        if (
            type(low_balance_threshold) is int
            and -SMALL_INT < low_balance_threshold < SMALL_INT
        ):
            low_balance_threshold = Decimal(low_balance_threshold)
        elif (
            type(low_balance_threshold) is not Decimal
            or not low_balance_threshold.is_finite()
            or not -325 < low_balance_threshold.adjusted() < 308
            or len(str(low_balance_threshold)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            low_balance_threshold = as_number(
                low_balance_threshold, "lowBalanceThreshold", False
            )

        last_updated = d.pop("lastUpdated", MISSING)
        last_updated = as_datetime(last_updated, "lastUpdated", False)

        auto_debit_status = d.pop("autoDebitStatus", MISSING)
        if type(auto_debit_status) is not str:
            auto_debit_status = as_string(auto_debit_status, "autoDebitStatus", False)

        status = d.pop("status", MISSING)
        if type(status) is not str:
            status = as_string(status, "status", False)

        status_explanation = d.pop("statusExplanation", MISSING)
        if type(status_explanation) is not str:
            status_explanation = as_string(
                status_explanation, "statusExplanation", False
            )

        instance_ = cls.__new__(cls)
        instance_.balance = balance
        instance_.low_balance = low_balance
        instance_.low_balance_threshold = low_balance_threshold
        instance_.last_updated = last_updated
        instance_.auto_debit_status = auto_debit_status
        instance_.status = status
        instance_.status_explanation = status_explanation

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
