from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    UNSET,
    Model,
    Unset,
    as_integer,
    as_object,
    as_string,
)

T = TypeVar("T", bound="ModelInfo")


class ModelInfo(Model):
    """Model identity. Which keys are present varies by model type: context and output limits appear on text models, not on
    image or video ones.

    """

    __slots__ = (
        "additional_properties",
        "context_length",
        "cutoff_at",
        "description",
        "developer",
        "docs_json",
        "docs_url",
        "name",
        "output_max",
        "released_at",
        "url",
    )
    __model_fields__ = (
        "name",
        "developer",
        "description",
        "released_at",
        "context_length",
        "output_max",
        "cutoff_at",
        "url",
        "docs_url",
        "docs_json",
    )

    name: str
    """ Human-readable model name. """
    developer: str
    """ Organization or company that developed the model. """
    description: str | Unset
    """ Short description of the model and its primary capabilities. """
    released_at: str | Unset
    """ Release date of the model. """
    context_length: int | Unset
    """ Maximum supported context window size in tokens. Text models only. """
    output_max: int | Unset
    """ Maximum number of tokens that can be generated in a single response. Text models only. """
    cutoff_at: str | Unset
    """ Training data cutoff date, where the developer publishes one. """
    url: str | Unset
    """ Public model landing page on the AIML API website. May be an empty string. """
    docs_url: str | Unset
    """ Link to this model's page in the documentation portal. """
    docs_json: str | Unset
    """ Machine-readable OpenAPI description of this model's endpoint. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        name: str,
        developer: str,
        description: str | Unset = UNSET,
        released_at: str | Unset = UNSET,
        context_length: int | Unset = UNSET,
        output_max: int | Unset = UNSET,
        cutoff_at: str | Unset = UNSET,
        url: str | Unset = UNSET,
        docs_url: str | Unset = UNSET,
        docs_json: str | Unset = UNSET,
    ) -> None:
        self.name = name
        self.developer = developer
        self.description = description
        self.released_at = released_at
        if (
            type(context_length) is not int
            or not -SMALL_INT < context_length < SMALL_INT
        ):
            context_length = as_integer(context_length, "contextLength", False, True)

        self.context_length = context_length
        if type(output_max) is not int or not -SMALL_INT < output_max < SMALL_INT:
            output_max = as_integer(output_max, "outputMax", False, True)

        self.output_max = output_max
        self.cutoff_at = cutoff_at
        self.url = url
        self.docs_url = docs_url
        self.docs_json = docs_json
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        developer = self.developer

        description = self.description

        released_at = self.released_at

        context_length = self.context_length

        output_max = self.output_max

        cutoff_at = self.cutoff_at

        url = self.url

        docs_url = self.docs_url

        docs_json = self.docs_json

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "developer": developer,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if released_at is not UNSET:
            field_dict["releasedAt"] = released_at
        if context_length is not UNSET:
            field_dict["contextLength"] = context_length
        if output_max is not UNSET:
            field_dict["outputMax"] = output_max
        if cutoff_at is not UNSET:
            field_dict["cutoffAt"] = cutoff_at
        if url is not UNSET:
            field_dict["url"] = url
        if docs_url is not UNSET:
            field_dict["docsUrl"] = docs_url
        if docs_json is not UNSET:
            field_dict["docsJson"] = docs_json

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        name = d.pop("name", MISSING)
        if type(name) is not str:
            name = as_string(name, "name", False)

        developer = d.pop("developer", MISSING)
        if type(developer) is not str:
            developer = as_string(developer, "developer", False)

        description = d.pop("description", UNSET)
        if type(description) is not str:
            description = as_string(description, "description", False, True)

        released_at = d.pop("releasedAt", UNSET)
        if type(released_at) is not str:
            released_at = as_string(released_at, "releasedAt", False, True)

        context_length = d.pop("contextLength", UNSET)
        if (
            type(context_length) is not int
            or not -SMALL_INT < context_length < SMALL_INT
        ):
            context_length = as_integer(context_length, "contextLength", False, True)

        output_max = d.pop("outputMax", UNSET)
        if type(output_max) is not int or not -SMALL_INT < output_max < SMALL_INT:
            output_max = as_integer(output_max, "outputMax", False, True)

        cutoff_at = d.pop("cutoffAt", UNSET)
        if type(cutoff_at) is not str:
            cutoff_at = as_string(cutoff_at, "cutoffAt", False, True)

        url = d.pop("url", UNSET)
        if type(url) is not str:
            url = as_string(url, "url", False, True)

        docs_url = d.pop("docsUrl", UNSET)
        if type(docs_url) is not str:
            docs_url = as_string(docs_url, "docsUrl", False, True)

        docs_json = d.pop("docsJson", UNSET)
        if type(docs_json) is not str:
            docs_json = as_string(docs_json, "docsJson", False, True)

        instance_ = cls.__new__(cls)
        instance_.name = name
        instance_.developer = developer
        instance_.description = description
        instance_.released_at = released_at
        instance_.context_length = context_length
        instance_.output_max = output_max
        instance_.cutoff_at = cutoff_at
        instance_.url = url
        instance_.docs_url = docs_url
        instance_.docs_json = docs_json

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
