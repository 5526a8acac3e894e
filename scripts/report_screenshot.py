#!/usr/bin/env python3
"""Regenerate the docs' screenshot of ``report --html``: ``.venv/bin/python scripts/report_screenshot.py``.

It writes a three-month stand-in account into a scratch SQLite store (``fake_api.seeded_store``:
fourteen keys of four teams, six models, a balance observed daily and a top-up every ten days, dated
to end on a fixed day, so the picture changes only when the page does), writes it with ``report
--html --by team`` and a teams file, and photographs the page in Debian's headless Chromium
(Playwright, ``executable_path``): docs/cli/report-html.png, the page's full height at 1000 px wide.
Needs the [store] and [report] extras and chromium (scripts/_chromium.sh).
"""

from __future__ import annotations

import argparse
import datetime
import io
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from fake_api.seeded_store import SeededKey, seed  # noqa: E402

END = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
OUTPUT = ROOT / "docs" / "cli" / "report-html.png"
KEYS = [
    SeededKey("a1b2c3d4", "search-prod", Decimal(900)),
    SeededKey("a1b2e5f6", "search-staging", Decimal(100)),
    SeededKey("b747e891", "chatbot-prod", Decimal(1200)),
    SeededKey("b747aa01", "chatbot-eval"),
    SeededKey("c0ffee42", "batch-nightly", Decimal(600)),
    SeededKey("c0ffee43", "batch-backfill"),
    *(SeededKey(f"d15a{n:04d}", f"lab-{n}") for n in range(8)),
]
MODELS = [
    "openai/gpt-5",
    "anthropic/claude-sonnet",
    "google/gemini-2.5-pro",
    "deepseek/deepseek-chat",
    "mistral/large",
    "meta/llama-4",
]
TEAMS = """
[[rule]]
team = "Search (CC-1042)"
glob = "search-*"
[[rule]]
team = "Support bot (CC-2210)"
prefix = "b747"
[[rule]]
team = "Data platform (CC-3001)"
glob = "batch-*"
"""


def _run(*argv: str) -> str:
    from aimlapi_billing._cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    if code != 0:
        raise SystemExit(f"{' '.join(argv[:1])} exited {code}: {err.getvalue().strip()}")
    return out.getvalue() + err.getvalue()


def photograph(page: Path, output: Path) -> None:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("chromium is not installed (scripts/_chromium.sh installs Debian's package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1000, "height": 800})
            tab.goto(page.resolve().as_uri(), wait_until="load")
            shot = tab.screenshot(full_page=True)
        finally:
            browser.close()
    _save_small(shot, output)


def _save_small(png: bytes, output: Path) -> None:
    """The screenshot with a 256-colour palette (a page of text and flat charts loses nothing seen),
    about a third of the bytes; written atomically."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    temporary = output.with_name(f".{output.name}.tmp")
    small.save(temporary, format="PNG", optimize=True)
    temporary.replace(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = f"sqlite:///{Path(scratch) / 'spend.db'}"
        # Teams' keys make most of the requests; the eight lab keys share a tenth.
        seed(
            db,
            KEYS,
            MODELS,
            end=END,
            days=91,
            per_day=400,
            key_of=lambda index: 6 + index % 8 if index % 10 == 0 else index % 6,
            model_of=lambda index: (index // 6 + index // 50) % len(MODELS),
            opening_balance=Decimal(800),
            topup=Decimal(150),
        )
        teams = Path(scratch) / "teams.toml"
        teams.write_text(TEAMS)
        page = Path(scratch) / "report.html"
        window = ["--start", "2026-09-01", "--end", "2026-12-01"]
        print(_run("report", "--db", db, *window, "--by", "team", "--teams", str(teams), "--html", str(page)).strip())
        photograph(page, args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
