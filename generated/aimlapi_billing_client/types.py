"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, BinaryIO, Generic, Literal, TypeVar


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


class Model:
    """What every generated model shares: equality, and a repr, over its ``__slots__``.

    The models are plain classes (no attrs: importing it and building each class at import cost a
    short-lived program, like a monitoring check, more than the rest of the client). A model lists its
    constructor's fields in ``__model_fields__``; ``additional_properties`` holds what the spec does
    not name."""

    __slots__: tuple[str, ...] = ()
    __model_fields__: tuple[str, ...] = ()

    def __repr__(self) -> str:
        shown = (*self.__model_fields__, "additional_properties")
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in shown if hasattr(self, name)
        )
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(
            getattr(self, name) == getattr(other, name) for name in self.__slots__
        )

    __hash__ = None  # type: ignore[assignment]  # mutable: like attrs' default, not hashable


class File(Model):
    """Contains information for file uploads"""

    __slots__ = __model_fields__ = ("payload", "file_name", "mime_type")

    def __init__(
        self,
        payload: BinaryIO,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> None:
        self.payload = payload
        self.file_name = file_name
        self.mime_type = mime_type

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


class Response(Model, Generic[T]):
    """A response from an endpoint"""

    __slots__ = __model_fields__ = ("status_code", "content", "headers", "parsed")

    def __init__(
        self,
        status_code: HTTPStatus,
        content: bytes,
        headers: MutableMapping[str, str],
        parsed: T | None,
    ) -> None:
        self.status_code = status_code
        self.content = content
        self.headers = headers
        self.parsed = parsed


__all__ = ["UNSET", "File", "FileTypes", "Model", "RequestFiles", "Response", "Unset"]
