from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    SMALL_INT,
    UNSET,
    Model,
    SchemaError,
    Unset,
    as_integer,
    as_integer_or_digits,
    as_model,
    as_object,
    as_string,
)

if TYPE_CHECKING:
    from ..models.error_error import ErrorError


T = TypeVar("T", bound="Error")


class Error(Model):
    """An error body, in either of the two shapes the API is known to send."""

    __slots__ = (
        "additional_properties",
        "error",
        "instance",
        "message",
        "path",
        "request_id",
        "status",
        "status_code",
        "timestamp",
        "title",
    )
    __model_fields__ = (
        "message",
        "path",
        "request_id",
        "status_code",
        "timestamp",
        "title",
        "status",
        "instance",
        "error",
    )

    message: str | Unset
    """ What went wrong, for people. """
    path: str | Unset
    """ The request path. """
    request_id: str | Unset
    """ The request's id, for support requests. """
    status_code: int | Unset
    """ The HTTP status code (an integer; the vendor's pages write it as a string of digits, "429", which reads as
    the integer). """
    timestamp: str | Unset
    """ When the error happened (ISO 8601). """
    title: str | Unset
    """ The problem's short title (application/problem+json). """
    status: int | Unset
    """ The HTTP status code (application/problem+json). """
    instance: str | Unset
    """ The request path (application/problem+json). """
    error: ErrorError | Unset
    """ The underlying error (application/problem+json). """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        message: str | Unset = UNSET,
        path: str | Unset = UNSET,
        request_id: str | Unset = UNSET,
        status_code: int | Unset = UNSET,
        timestamp: str | Unset = UNSET,
        title: str | Unset = UNSET,
        status: int | Unset = UNSET,
        instance: str | Unset = UNSET,
        error: ErrorError | Unset = UNSET,
    ) -> None:
        self.message = message
        self.path = path
        self.request_id = request_id
        if type(status_code) is not int or not -SMALL_INT < status_code < SMALL_INT:
            status_code = as_integer_or_digits(status_code, "statusCode", False, True)

        self.status_code = status_code
        self.timestamp = timestamp
        self.title = title
        if type(status) is not int or not -SMALL_INT < status < SMALL_INT:
            status = as_integer(status, "status", False, True)

        self.status = status
        self.instance = instance
        self.error = error
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        path = self.path

        request_id = self.request_id

        status_code = self.status_code

        timestamp = self.timestamp

        title = self.title

        status = self.status

        instance = self.instance

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if message is not UNSET:
            field_dict["message"] = message
        if path is not UNSET:
            field_dict["path"] = path
        if request_id is not UNSET:
            field_dict["requestId"] = request_id
        if status_code is not UNSET:
            field_dict["statusCode"] = status_code
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if title is not UNSET:
            field_dict["title"] = title
        if status is not UNSET:
            field_dict["status"] = status
        if instance is not UNSET:
            field_dict["instance"] = instance
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        message = d.pop("message", UNSET)
        if type(message) is not str:
            message = as_string(message, "message", False, True)

        path = d.pop("path", UNSET)
        if type(path) is not str:
            path = as_string(path, "path", False, True)

        request_id = d.pop("requestId", UNSET)
        if type(request_id) is not str:
            request_id = as_string(request_id, "requestId", False, True)

        status_code = d.pop("statusCode", UNSET)
        if type(status_code) is not int or not -SMALL_INT < status_code < SMALL_INT:
            status_code = as_integer_or_digits(status_code, "statusCode", False, True)

        timestamp = d.pop("timestamp", UNSET)
        if type(timestamp) is not str:
            timestamp = as_string(timestamp, "timestamp", False, True)

        title = d.pop("title", UNSET)
        if type(title) is not str:
            title = as_string(title, "title", False, True)

        status = d.pop("status", UNSET)
        if type(status) is not int or not -SMALL_INT < status < SMALL_INT:
            status = as_integer(status, "status", False, True)

        instance = d.pop("instance", UNSET)
        if type(instance) is not str:
            instance = as_string(instance, "instance", False, True)

        error = d.pop("error", UNSET)
        if type(error) is dict:
            try:
                error = ErrorError.from_dict(error)
            except SchemaError as error_:
                raise error_.within("error") from None
        else:
            error = as_model(ErrorError, error, "error", False, True)

        instance_ = cls.__new__(cls)
        instance_.message = message
        instance_.path = path
        instance_.request_id = request_id
        instance_.status_code = status_code
        instance_.timestamp = timestamp
        instance_.title = title
        instance_.status = status
        instance_.instance = instance
        instance_.error = error

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
from ..models.error_error import ErrorError
