from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    MISSING,
    Model,
    SchemaError,
    as_model,
    as_object,
    as_string,
)

if TYPE_CHECKING:
    from ..models.performance_metrics import PerformanceMetrics


T = TypeVar("T", bound="ModelMetrics")


class ModelMetrics(Model):
    __slots__ = ("additional_properties", "alias", "endpoint", "metrics")
    __model_fields__ = (
        "alias",
        "endpoint",
        "metrics",
    )

    alias: str
    """ Model name, matching an `id` or an alias from the model catalogue. """
    endpoint: str
    """ Endpoint the measurements were taken on. """
    metrics: PerformanceMetrics
    """ Only the metrics that apply to this model type and are backed by data in the window are present. A missing
    key means the metric does not apply, not that it is zero. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        alias: str,
        endpoint: str,
        metrics: PerformanceMetrics,
    ) -> None:
        self.alias = alias
        self.endpoint = endpoint
        self.metrics = metrics
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        alias = self.alias

        endpoint = self.endpoint

        metrics = self.metrics.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "alias": alias,
                "endpoint": endpoint,
                "metrics": metrics,
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
        alias = d.pop("alias", MISSING)
        if type(alias) is not str:
            alias = as_string(alias, "alias", False)

        endpoint = d.pop("endpoint", MISSING)
        if type(endpoint) is not str:
            endpoint = as_string(endpoint, "endpoint", False)

        metrics = d.pop("metrics", MISSING)
        if type(metrics) is dict:
            try:
                metrics = PerformanceMetrics.from_dict(metrics)
            except SchemaError as error_:
                raise error_.within("metrics") from None
        else:
            metrics = as_model(PerformanceMetrics, metrics, "metrics", False)

        instance_ = cls.__new__(cls)
        instance_.alias = alias
        instance_.endpoint = endpoint
        instance_.metrics = metrics

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
from ..models.performance_metrics import PerformanceMetrics
