"""Run the pinned openapi-python-client and print its warnings as JSON, one per line after :data:`MARK`.

Run as a program by :func:`specpipeline.generate.generate_package`, with the project's Python, in a
scratch directory: ``python run_generator.py SPEC CONFIG OUTPUT TEMPLATES``. The generator's command
line prints its warnings as free text on stderr and exits 0; its library returns them as objects,
which this prints whole (level, header, detail, and the part of the document it could not read).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import openapi_python_client
from jinja2 import TemplateError
from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser.errors import ParseError
from openapi_python_client.strings import ClassName

#: Starts each line this prints, so that nothing else on stdout (a post-hook's output) is read as one.
MARK = "openapi-python-client warning: "


def field_rules(document: dict[str, Any], prefix: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The rules of each component's fields that the generator's properties do not keep, for the
    model template (``field_rules[class][json name]``): ``minimum`` (a figure that cannot be
    negative), ``secret`` (``format: password``: the repr hides it), ``digits`` (the extension
    ``x-aimlapi-digits-accepted``: an integer a server may write as a string of digits)."""
    rules: dict[str, dict[str, dict[str, Any]]] = {}
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        for field, spec in (schema.get("properties") or {}).items() if isinstance(schema, dict) else ():
            if not isinstance(spec, dict):
                continue
            rule = {
                "minimum": spec.get("minimum"),
                "secret": spec.get("format") == "password",
                "digits": spec.get("x-aimlapi-digits-accepted") is True,
            }
            if rule["minimum"] is not None or rule["secret"] or rule["digits"]:
                rules.setdefault(ClassName(name, prefix), {})[field] = rule
    return rules


def _refuse(message: str) -> str:
    """Stop the generation where a template meets a shape it cannot read (never a placeholder in the code)."""
    raise TemplateError(f"model template: {message}")


def _with_field_rules(rules: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Give every template the global ``field_rules`` (the generator builds its Jinja environment
    in ``Project.__init__``, and offers no other way in)."""
    project_init = openapi_python_client.Project.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        project_init(self, *args, **kwargs)
        self.env.globals["field_rules"] = rules
        self.env.globals["refuse"] = _refuse

    openapi_python_client.Project.__init__ = init  # type: ignore[method-assign]


def main(spec: str, config_path: str, output: str, templates: str) -> int:
    config = Config.from_sources(
        ConfigFile.load_from_path(Path(config_path)),
        MetaType.NONE,
        Path(spec),
        "utf-8",
        overwrite=False,
        output_path=Path(output),
    )
    _with_field_rules(field_rules(json.loads(Path(spec).read_text(encoding="utf-8")), config.field_prefix))
    for error in generate(config=config, custom_template_path=Path(templates)):
        data = error.data if isinstance(error, ParseError) else None
        record = {
            "level": error.level.value,
            "header": error.header.strip(),
            "detail": error.detail,
            "data": data.model_dump(mode="json", by_alias=True, exclude_unset=True) if data is not None else None,
        }
        print(MARK + json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
