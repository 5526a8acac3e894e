from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    MISSING,
    UNSET,
    Model,
    SchemaError,
    Unset,
    as_list,
    as_model,
    as_object,
    as_string,
)

if TYPE_CHECKING:
    from ..models.model_info import ModelInfo
    from ..models.model_modalities import ModelModalities
    from ..models.model_pricing import ModelPricing


T = TypeVar("T", bound="CatalogueModel")


class CatalogueModel(Model):
    __slots__ = (
        "additional_properties",
        "aliases",
        "capabilities",
        "id",
        "info",
        "modalities",
        "pricing",
        "tags",
        "type_",
    )
    __model_fields__ = (
        "id",
        "aliases",
        "type_",
        "info",
        "tags",
        "modalities",
        "capabilities",
        "pricing",
    )

    id: str
    """ Canonical unique identifier of the model. """
    aliases: list[str]
    """ Other names this model can still be requested under. """
    type_: str
    """ Endpoint type this model is served through. """
    info: ModelInfo
    """ Model identity. Which keys are present varies by model type: context and output limits appear on text
    models, not on image or video ones. """
    tags: list[str]
    """ Free-form tags, for example `playground:chat` or `tier:tier_2`. """
    modalities: ModelModalities | Unset
    """ Present only with `?include=modalities` or `all`. Input and output modalities the model handles. """
    capabilities: list[str] | Unset
    """ Present only with `?include=capabilities` or `all`. Declared capabilities. """
    pricing: ModelPricing | Unset
    """ Present only with `?include=pricing` or `all`. Read `kind` first: `fixed` quotes one rate per unit,
    `variants` quotes a rate per parameter combination, `variable` cannot be quoted ahead of the request. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        id: str,
        aliases: list[str],
        type_: str,
        info: ModelInfo,
        tags: list[str],
        modalities: ModelModalities | Unset = UNSET,
        capabilities: list[str] | Unset = UNSET,
        pricing: ModelPricing | Unset = UNSET,
    ) -> None:
        self.id = id
        self.aliases = aliases
        self.type_ = type_
        self.info = info
        self.tags = tags
        self.modalities = modalities
        self.capabilities = capabilities
        self.pricing = pricing
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        aliases = self.aliases

        type_ = self.type_

        info = self.info.to_dict()

        tags = self.tags

        modalities: dict[str, Any] | Unset = UNSET
        if not isinstance(self.modalities, Unset):
            modalities = self.modalities.to_dict()

        capabilities: list[str] | Unset = UNSET
        if not isinstance(self.capabilities, Unset):
            capabilities = self.capabilities

        pricing: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pricing, Unset):
            pricing = self.pricing.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "aliases": aliases,
                "type": type_,
                "info": info,
                "tags": tags,
            }
        )
        if modalities is not UNSET:
            field_dict["modalities"] = modalities
        if capabilities is not UNSET:
            field_dict["capabilities"] = capabilities
        if pricing is not UNSET:
            field_dict["pricing"] = pricing

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        id = d.pop("id", MISSING)
        if type(id) is not str:
            id = as_string(id, "id", False)

        aliases = d.pop("aliases", MISSING)
        aliases = as_list(aliases, "aliases", as_string, False)

        type_ = d.pop("type", MISSING)
        if type(type_) is not str:
            type_ = as_string(type_, "type", False)

        info = d.pop("info", MISSING)
        if type(info) is dict:
            try:
                info = ModelInfo.from_dict(info)
            except SchemaError as error_:
                raise error_.within("info") from None
        else:
            info = as_model(ModelInfo, info, "info", False)

        tags = d.pop("tags", MISSING)
        tags = as_list(tags, "tags", as_string, False)

        modalities = d.pop("modalities", UNSET)
        if type(modalities) is dict:
            try:
                modalities = ModelModalities.from_dict(modalities)
            except SchemaError as error_:
                raise error_.within("modalities") from None
        else:
            modalities = as_model(
                ModelModalities, modalities, "modalities", False, True
            )

        capabilities = d.pop("capabilities", UNSET)
        capabilities = as_list(capabilities, "capabilities", as_string, False, True)

        pricing = d.pop("pricing", UNSET)
        if type(pricing) is dict:
            try:
                pricing = ModelPricing.from_dict(pricing)
            except SchemaError as error_:
                raise error_.within("pricing") from None
        else:
            pricing = as_model(ModelPricing, pricing, "pricing", False, True)

        instance_ = cls.__new__(cls)
        instance_.id = id
        instance_.aliases = aliases
        instance_.type_ = type_
        instance_.info = info
        instance_.tags = tags
        instance_.modalities = modalities
        instance_.capabilities = capabilities
        instance_.pricing = pricing

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
from ..models.model_info import ModelInfo
from ..models.model_modalities import ModelModalities
from ..models.model_pricing import ModelPricing
