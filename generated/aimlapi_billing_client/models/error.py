from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_error import ErrorError


T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """An error body, in either of the two shapes the API is known to send."""

    message: str | Unset = UNSET
    """ What went wrong, for people. """
    path: str | Unset = UNSET
    """ The request path. """
    request_id: str | Unset = UNSET
    """ The request's id, for support requests. """
    status_code: str | Unset = UNSET
    """ The HTTP status code, as a string. """
    timestamp: str | Unset = UNSET
    """ When the error happened (ISO 8601). """
    title: str | Unset = UNSET
    """ The problem's short title (application/problem+json). """
    status: int | Unset = UNSET
    """ The HTTP status code (application/problem+json). """
    instance: str | Unset = UNSET
    """ The request path (application/problem+json). """
    error: ErrorError | Unset = UNSET
    """ The underlying error (application/problem+json). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

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
        from ..models.error_error import ErrorError

        d = dict(src_dict)
        message = d.pop("message", UNSET)

        path = d.pop("path", UNSET)

        request_id = d.pop("requestId", UNSET)

        status_code = d.pop("statusCode", UNSET)

        timestamp = d.pop("timestamp", UNSET)

        title = d.pop("title", UNSET)

        status = d.pop("status", UNSET)

        instance = d.pop("instance", UNSET)

        _error = d.pop("error", UNSET)
        error: ErrorError | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = ErrorError.from_dict(_error)

        error = cls(
            message=message,
            path=path,
            request_id=request_id,
            status_code=status_code,
            timestamp=timestamp,
            title=title,
            status=status,
            instance=instance,
            error=error,
        )

        error.additional_properties = d
        return error

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
