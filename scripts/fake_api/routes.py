"""Which handler answers a request to the usage, logs and key endpoints."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from fake_api import keys, logs, usage
from fake_api.data import Account
from fake_api.replies import Rejected, Reply, error

KEY_PATH = "/v1/keys/"
PATHS = ("/v2/usage", "/v2/usage/detail", "/v2/logs", "/v1/keys", "/v1/key")


def serves(path: str) -> bool:
    return path in PATHS or (path.startswith(KEY_PATH) and len(path) > len(KEY_PATH))


def answer(account: Account, method: str, target: str, token: str, body: bytes) -> Reply:
    """The answer to an authenticated request for one of :data:`PATHS` or ``/v1/keys/{prefix}``."""
    parts = urlsplit(target)
    path = parts.path
    query = parse_qs(parts.query, keep_blank_values=True)
    try:
        return _route(account, method, path, query, token, body)
    except Rejected as rejected:
        return error(rejected.status, rejected.message, path)


def _route(account: Account, method: str, path: str, query: usage.Query, token: str, body: bytes) -> Reply:
    routes = {
        ("GET", "/v2/usage"): lambda: usage.usage(account, token, query, detail=False),
        ("GET", "/v2/usage/detail"): lambda: usage.usage(account, token, query, detail=True),
        ("GET", "/v2/logs"): lambda: logs.page(account, token, query),
        ("GET", "/v1/keys"): lambda: keys.list_keys(account, token),
        ("POST", "/v1/keys"): lambda: keys.create_key(account, token, body),
        ("GET", "/v1/key"): lambda: keys.current_key(account, token),
    }
    if path.startswith(KEY_PATH):
        prefix = unquote(path[len(KEY_PATH) :])
        routes = {
            ("PATCH", path): lambda: keys.change_key(account, token, prefix, body, replace=False),
            ("PUT", path): lambda: keys.change_key(account, token, prefix, body, replace=True),
            ("DELETE", path): lambda: keys.delete_key(account, token, prefix),
        }
    handler = routes.get((method, path))
    if handler is None:
        raise Rejected(405, f"{method} is not allowed on {path}")
    return handler()
