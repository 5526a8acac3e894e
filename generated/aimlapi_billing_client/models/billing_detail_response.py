from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    Model,
    SchemaError,
    as_integer,
    as_model,
    as_number,
    as_object,
    as_string,
)

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

    user_id: int
    """ User ID. """
    email: str
    """ User email. """
    current_balance: Decimal
    """ Current balance in USD. """
    currency: str
    """ Currency (always USD). """
    autotopup_settings: AutoTopupSettings
    """ Auto top-up settings. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        user_id: int,
        email: str,
        current_balance: Decimal,
        currency: str,
        autotopup_settings: AutoTopupSettings,
    ) -> None:
        if type(user_id) is not int or not -SMALL_INT < user_id < SMALL_INT:
            user_id = as_integer(user_id, "user_id", False)

        self.user_id = user_id
        self.email = email
        if type(current_balance) is int and -SMALL_INT < current_balance < SMALL_INT:
            current_balance = Decimal(current_balance)
        elif (
            type(current_balance) is not Decimal
            or not current_balance.is_finite()
            or not -325 < current_balance.adjusted() < 308
            or len(str(current_balance)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            current_balance = as_number(current_balance, "current_balance", False)

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
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        user_id = d.pop("user_id", MISSING)
        if type(user_id) is not int or not -SMALL_INT < user_id < SMALL_INT:
            user_id = as_integer(user_id, "user_id", False)

        email = d.pop("email", MISSING)
        if type(email) is not str:
            email = as_string(email, "email", False)

        current_balance = d.pop("current_balance", MISSING)
        if type(current_balance) is int and -SMALL_INT < current_balance < SMALL_INT:
            current_balance = Decimal(current_balance)
        elif (
            type(current_balance) is not Decimal
            or not current_balance.is_finite()
            or not -325 < current_balance.adjusted() < 308
            or len(str(current_balance)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            current_balance = as_number(current_balance, "current_balance", False)

        currency = d.pop("currency", MISSING)
        if type(currency) is not str:
            currency = as_string(currency, "currency", False)

        autotopup_settings = d.pop("autotopup_settings", MISSING)
        if type(autotopup_settings) is dict:
            try:
                autotopup_settings = AutoTopupSettings.from_dict(autotopup_settings)
            except SchemaError as error_:
                raise error_.within("autotopup_settings") from None
        else:
            autotopup_settings = as_model(
                AutoTopupSettings, autotopup_settings, "autotopup_settings", False
            )

        instance_ = cls.__new__(cls)
        instance_.user_id = user_id
        instance_.email = email
        instance_.current_balance = current_balance
        instance_.currency = currency
        instance_.autotopup_settings = autotopup_settings

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
from ..models.auto_topup_settings import AutoTopupSettings
