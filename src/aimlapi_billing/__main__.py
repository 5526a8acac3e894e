"""``python -m aimlapi_billing``: the same as the ``aimlapi-billing`` command."""

from ._cli import entry_point

if __name__ == "__main__":
    entry_point()
