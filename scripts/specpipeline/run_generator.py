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

from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser.errors import ParseError

#: Starts each line this prints, so that nothing else on stdout (a post-hook's output) is read as one.
MARK = "openapi-python-client warning: "


def main(spec: str, config_path: str, output: str, templates: str) -> int:
    config = Config.from_sources(
        ConfigFile.load_from_path(Path(config_path)),
        MetaType.NONE,
        Path(spec),
        "utf-8",
        overwrite=False,
        output_path=Path(output),
    )
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
