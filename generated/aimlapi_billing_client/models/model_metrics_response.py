from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    Model,
    as_integer,
    as_list,
    as_object,
    as_string,
)

if TYPE_CHECKING:
    from ..models.model_metrics import ModelMetrics


T = TypeVar("T", bound="ModelMetricsResponse")


class ModelMetricsResponse(Model):
    __slots__ = ("additional_properties", "generated_at", "models", "window_seconds")
    __model_fields__ = (
        "window_seconds",
        "generated_at",
        "models",
    )

    window_seconds: int
    """ Length of the sliding window the percentiles were computed over. """
    generated_at: str
    """ When the aggregation was computed, in UTC. """
    models: list[ModelMetrics]
    """ One entry per model that completed at least one successful request inside the window. Only successful
    requests are measured. Models with no such requests are absent from the list rather than reported as zero. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        window_seconds: int,
        generated_at: str,
        models: list[ModelMetrics],
    ) -> None:
        if (
            type(window_seconds) is not int
            or not -SMALL_INT < window_seconds < SMALL_INT
        ):
            window_seconds = as_integer(window_seconds, "window_seconds", False)

        self.window_seconds = window_seconds
        self.generated_at = generated_at
        self.models = models
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        window_seconds = self.window_seconds

        generated_at = self.generated_at

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "window_seconds": window_seconds,
                "generated_at": generated_at,
                "models": models,
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
        window_seconds = d.pop("window_seconds", MISSING)
        if (
            type(window_seconds) is not int
            or not -SMALL_INT < window_seconds < SMALL_INT
        ):
            window_seconds = as_integer(window_seconds, "window_seconds", False)

        generated_at = d.pop("generated_at", MISSING)
        if type(generated_at) is not str:
            generated_at = as_string(generated_at, "generated_at", False)

        models = d.pop("models", MISSING)
        models = as_list(models, "models", ModelMetrics.from_dict, False)

        instance_ = cls.__new__(cls)
        instance_.window_seconds = window_seconds
        instance_.generated_at = generated_at
        instance_.models = models

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
from ..models.model_metrics import ModelMetrics
