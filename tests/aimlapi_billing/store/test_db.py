"""The schema's revisions as the readers know them (from the migration files' names, without
importing Alembic) are Alembic's own, in its order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_the_revisions_read_from_file_names_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    from aimlapi_billing.store._db import _MIGRATIONS, head_revision, known_revisions

    script = ScriptDirectory(str(_MIGRATIONS))
    assert known_revisions() == [revision.revision for revision in reversed(list(script.walk_revisions()))]
    assert head_revision() == script.get_current_head()


def test_a_reader_never_imports_alembic(tmp_path: Path) -> None:
    from aimlapi_billing.store import open_for_sync

    url = f"sqlite:///{tmp_path / 'spend.db'}"
    with open_for_sync(url):
        pass  # an empty store of this version's schema
    code = (
        "import sys, io\n"
        "from aimlapi_billing._cli import main\n"
        "out = io.StringIO()\n"
        f"main(['check-keys', '-w', '50', '--db', {url!r}], out, io.StringIO())\n"
        "print(out.getvalue().split(' - ')[1].strip())\n"
        "print('sqlalchemy' in sys.modules, 'alembic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "True False", done.stdout
    assert "has no finished sync" in done.stdout  # the schema was read, and checked
