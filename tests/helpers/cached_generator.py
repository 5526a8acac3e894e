"""regenerate with a stand-in for openapi-python-client: ``python cached_generator.py PROJECT CACHE [ARGS]``.

For the tests of what regenerate does around the generator (its transaction, interrupts and recovery),
not of what the generator writes: the real generator's output for a document is taken once
(:func:`remember`, from a real run) and copied in whenever regenerate asks for that document's client,
which saves the generator's seconds per run. A document never taken is a generator failure (exit 3),
never a guess. Everything else is the project's own code: the repair, the change report, the staging,
the renames and the test hook's signals. A helpers module, not a test module; standard library only.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path


def _key(document: bytes) -> str:
    return hashlib.sha256(document).hexdigest()


def remember(document: Path, package: Path, cache: Path) -> None:
    """Take ``package``, the real generator's client for ``document``, into ``cache``."""
    shutil.copytree(package, cache / _key(document.read_bytes()), ignore=shutil.ignore_patterns("__pycache__"))


def main() -> int:
    project, cache, arguments = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    sys.path.insert(0, str(project / "scripts"))  # the project's pipeline, as its scripts/regenerate.py runs it
    from specpipeline import cli
    from specpipeline.generate import GenerationError, LeftOut

    def taken(spec_path: Path, config_path: Path, destination: Path) -> list[LeftOut]:
        source = cache / _key(spec_path.read_bytes())
        if not source.is_dir():
            raise GenerationError(f"the stand-in generator has no output taken for {spec_path.name} ({source.name})")
        shutil.copytree(source, destination)
        return []

    cli.generate_package = taken  # the name regenerate calls
    return cli.regenerate_main(arguments)


if __name__ == "__main__":
    sys.exit(main())
