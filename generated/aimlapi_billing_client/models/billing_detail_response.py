from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import Model

if TYPE_CHECKING:
    from ..models.auto_topup_settings import AutoTopupSettings


T = TypeVar("T", bound="BillingDetailResponse")


class BillingDetailResponse(Model):
    __slots__ = (
        "additional_properties",
        "autotopup_settings",
        "currency",
        "current_balance",
        "email",
        "user_id",
    )
    __model_fields__ = (
        "user_id",
        "email",
        "current_balance",
        "currency",
        "autotopup_settings",
    )

    user_id: float
    """ User ID. """
    email: str
    """ User email. """
    current_balance: float
    """ Current balance in USD. """
    currency: str
    """ Currency (always USD). """
    autotopup_settings: AutoTopupSettings
    """ Auto top-up settings. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        user_id: float,
        email: str,
        current_balance: float,
        currency: str,
        autotopup_settings: AutoTopupSettings,
    ) -> None:
        self.user_id = user_id
        self.email = email
        self.current_balance = current_balance
        self.currency = currency
        self.autotopup_settings = autotopup_settings
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        email = self.email

        current_balance = self.current_balance

        currency = self.currency

        autotopup_settings = self.autotopup_settings.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "email": email,
                "current_balance": current_balance,
                "currency": currency,
                "autotopup_settings": autotopup_settings,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.auto_topup_settings import AutoTopupSettings

        d = dict(src_dict)
        user_id = d.pop("user_id")

        email = d.pop("email")

        current_balance = d.pop("current_balance")

        currency = d.pop("currency")

        autotopup_settings = AutoTopupSettings.from_dict(d.pop("autotopup_settings"))

        billing_detail_response = cls(
            user_id=user_id,
            email=email,
            current_balance=current_balance,
            currency=currency,
            autotopup_settings=autotopup_settings,
        )

        billing_detail_response.additional_properties = d
        return billing_detail_response

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
