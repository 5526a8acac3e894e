from __future__ import annotations

import json
from pathlib import Path

import pytest
from specpipeline.errors import SpecError
from specpipeline.fragments import (
    decode_fragment,
    extract_fragments,
    fragment_file_name,
    load_fragments,
    parse_fragment,
)

from tests.conftest import SEED_PAGE

ROOT = Path(__file__).resolve().parents[2]


UPSTREAM = SEED_PAGE.parents[1] / "upstream" / "2026-08-21"


@pytest.mark.skipif(not UPSTREAM.exists(), reason="the vendor's published fragments live in ../shared")
def test_committed_fragments_are_the_vendors_2026_08_21_files_byte_for_byte() -> None:
    """Each fragment spec/sources.json lists is the vendor's file of that name, byte for byte: the
    billing four at the top of the upstream folder, the others in its two sub-folders; and every
    one of the vendor's files (the whole service-endpoints family) is listed."""
    published: dict[str, bytes] = {}
    for path in sorted(UPSTREAM.glob("**/*.json")):
        assert path.name not in published, f"two upstream files named {path.name}"
        published[path.name] = path.read_bytes()
    listed = json.loads((ROOT / "spec" / "sources.json").read_text(encoding="utf-8"))["files"]
    committed = {path.name: path.read_bytes() for path in (ROOT / "spec" / "fragments").glob("*.json")}
    assert sorted(committed) == sorted(listed)
    assert set(listed) <= set(published)
    assert set(published) <= set(listed), "a vendor file of the family is not committed"
    for name in listed:
        assert committed[name] == published[name], name


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="the seed docs page lives in ../shared")
def test_the_seed_pages_blocks_are_extracted_verbatim_under_the_vendors_file_names() -> None:
    page = SEED_PAGE.read_text(encoding="utf-8")
    extracted = extract_fragments(str(SEED_PAGE), page)
    assert sorted(extracted) == ["billing-balance-v1.json", "billing-detail-v2.json", "billing-v2.json"]
    for text in extracted.values():
        assert f"```json\n{text}```" in page
        assert json.loads(text)["openapi"] == "3.0.0"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v1/billing/balance", "billing-balance-v1.json"),
        ("/v2/billing", "billing-v2.json"),
        ("/v2/billing/detail", "billing-detail-v2.json"),
        ("/v2/billing/invoices/{invoice_id}", "billing-invoices-invoice_id-v2.json"),
        ("/", "root.json"),
    ],
)
def test_fragment_file_name_follows_the_vendors_naming(path: str, expected: str) -> None:
    assert fragment_file_name(path) == expected


def _fragment_text(path: str) -> str:
    return json.dumps({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {path: {}}})


def test_extract_takes_json_blocks_only_and_keeps_their_text_untouched() -> None:
    block_one = _fragment_text("/v1/a") + "\n"
    block_two = '{\n  "openapi": "3.0.0", "info": {"title": "t", "version": "1"},\n  "paths": {"/v2/b": {}}\n}\n'
    page = (
        "# Title\n\n```python\nprint('not json')\n```\n\n"
        f"```json\n{block_one}```\n\ntext\n\n~~~json title=x\n{block_two}~~~\n"
    )
    assert extract_fragments("page.md", page) == {"a-v1.json": block_one, "b-v2.json": block_two}


def test_extract_names_the_page_and_block_of_malformed_json() -> None:
    page = f'```json\n{_fragment_text("/v1/a")}\n```\n\n```json\n{{"openapi": "3.0.0",\n  oops}}\n```\n'
    with pytest.raises(SpecError) as raised:
        extract_fragments("page.md", page)
    assert raised.value.file == "page.md (json block 2)"
    assert "line 2, column 3" in raised.value.message


def test_extract_refuses_two_blocks_that_would_share_a_file() -> None:
    block = _fragment_text("/v1/a")
    with pytest.raises(SpecError, match=r"also be written as a-v1\.json"):
        extract_fragments("page.md", f"```json\n{block}\n```\n```json\n{block}\n```\n")


def test_extract_refuses_a_page_without_json_blocks() -> None:
    with pytest.raises(SpecError, match="no fenced json blocks"):
        extract_fragments("page.md", "# nothing here\n")


@pytest.mark.parametrize(
    ("text", "pointer", "message"),
    [
        ("[1, 2]", "", "found list"),
        ('{"swagger": "2.0", "paths": {}}', "/openapi", "OpenAPI 3.x"),
        ('{"openapi": "3.0.0"}', "/paths", "'paths' object"),
        ('{"openapi": "3.0.0", "paths": {}', "/paths", "malformed JSON at line 1, column 33"),
    ],
)
def test_parse_fragment_errors_name_file_and_pointer(text: str, pointer: str, message: str) -> None:
    with pytest.raises(SpecError) as raised:
        parse_fragment("spec/fragments/x.json", text)
    assert (raised.value.file, raised.value.pointer) == ("spec/fragments/x.json", pointer)
    assert message in raised.value.message


def test_load_fragments_reads_in_file_name_order(tmp_path: Path) -> None:
    for name in ("b.json", "a.json", "c.txt"):
        (tmp_path / name).write_text(_fragment_text(f"/{name}"), encoding="utf-8")
    assert [Path(fragment.name).name for fragment in load_fragments(tmp_path)] == ["a.json", "b.json"]


def test_load_fragments_refuses_an_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"no \*\.json fragments"):
        load_fragments(tmp_path)


def _with_example(value_text: str) -> str:
    """A fragment whose response example holds ``value_text`` verbatim (JSON text, or not quite)."""
    media = {"application/json": {"example": {"n": [1, "PLACEHOLDER"]}}}
    responses = {"200": {"description": "ok", "content": media}}
    document = {"openapi": "3.0.0", "paths": {"/v1/a": {"get": {"responses": responses}}}}
    return json.dumps(document).replace('"PLACEHOLDER"', value_text)


EXAMPLE_AT = "/paths/~1v1~1a/get/responses/200/content/application~1json/example/n/1"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400", "1" * 400, "1e-400", "-2.5E-999"])
def test_numbers_json_cannot_hold_are_errors_with_their_pointer(value: str) -> None:
    with pytest.raises(SpecError, match="is not a JSON number") as raised:
        parse_fragment("f.json", _with_example(value))
    assert raised.value.pointer == EXAMPLE_AT
    assert len(str(raised.value)) <= 300


def test_a_lone_surrogate_is_an_error_with_its_pointer() -> None:
    with pytest.raises(SpecError, match="lone surrogate") as raised:
        parse_fragment("f.json", _with_example('"\\ud800"'))
    assert raised.value.pointer == EXAMPLE_AT


def test_nesting_too_deep_is_an_error_with_a_short_pointer() -> None:
    deep = "[" * 100_000 + "]" * 100_000  # deep enough to break any recursive parser
    with pytest.raises(SpecError, match="nested deeper than 64 levels") as raised:
        parse_fragment("f.json", _with_example(deep))
    assert raised.value.pointer.startswith(EXAMPLE_AT + "/0/0/0")
    assert len(str(raised.value)) <= 300
    assert "\n" not in str(raised.value)


def test_bytes_that_are_not_utf8_are_an_error_naming_the_pointer_and_line() -> None:
    text = '{"openapi": "3.0.0",\n "paths": {"/v1/a": {"get": {"summary": "caf\xe9"}}}}'
    with pytest.raises(SpecError, match="not UTF-8: byte 0xe9 at line 2") as raised:
        decode_fragment("f.json", text.encode("latin-1"))
    assert raised.value.pointer == "/paths/~1v1~1a/get/summary"


def test_load_fragments_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b'{"openapi": "3.0.0", "paths": {"/\xff": {}}}')
    with pytest.raises(SpecError, match="not UTF-8") as raised:
        load_fragments(tmp_path)
    assert raised.value.file.endswith("a.json")


@pytest.mark.parametrize("value", ["0", "0.0", "-0.0", "0e-400", "1e-300"])
def test_zero_and_small_numbers_a_double_holds_are_kept(value: str) -> None:
    parse_fragment("f.json", _with_example(value))


@pytest.mark.parametrize("name", ["new.yaml", "new.yml"])
def test_a_fragment_that_is_not_named_json_is_refused_not_skipped(tmp_path: Path, name: str) -> None:
    (tmp_path / "a.json").write_text(_with_example("1"), encoding="utf-8")
    (tmp_path / name).write_text("openapi: 3.0.0\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"fragments must be JSON files named \*\.json") as raised:
        load_fragments(tmp_path)
    assert raised.value.file.endswith(name)


def test_a_key_written_twice_is_an_error_with_its_pointer() -> None:
    text = _with_example("1").replace('"openapi": "3.0.0"', '"openapi": "3.0.0", "paths": {}')
    with pytest.raises(SpecError, match="appears twice") as raised:
        parse_fragment("f.json", text)
    assert raised.value.pointer == "/paths"
    nested = _with_example('{"a": 1, "a": 2}')
    with pytest.raises(SpecError, match="appears twice") as raised:
        parse_fragment("f.json", nested)
    assert raised.value.pointer == f"{EXAMPLE_AT}/a"
