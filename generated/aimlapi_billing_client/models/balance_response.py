from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import Model

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

    balance: float
    """ The total credits associated with the provided API key. """
    low_balance: bool
    """ True if the balance is below the threshold. """
    low_balance_threshold: float
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
        balance: float,
        low_balance: bool,
        low_balance_threshold: float,
        last_updated: datetime.datetime,
        auto_debit_status: str,
        status: str,
        status_explanation: str,
    ) -> None:
        self.balance = balance
        self.low_balance = low_balance
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
        d = dict(src_dict)
        balance = d.pop("balance")

        low_balance = d.pop("lowBalance")

        low_balance_threshold = d.pop("lowBalanceThreshold")

        last_updated = datetime.datetime.fromisoformat(d.pop("lastUpdated"))

        auto_debit_status = d.pop("autoDebitStatus")

        status = d.pop("status")

        status_explanation = d.pop("statusExplanation")

        balance_response = cls(
            balance=balance,
            low_balance=low_balance,
            low_balance_threshold=low_balance_threshold,
            last_updated=last_updated,
            auto_debit_status=auto_debit_status,
            status=status,
            status_explanation=status_explanation,
        )

        balance_response.additional_properties = d
        return balance_response

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
