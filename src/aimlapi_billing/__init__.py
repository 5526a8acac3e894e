"""aimlapi-billing: read your AIML API account balance and billing details."""

from ._version import __version__

__all__ = ["__version__"]
