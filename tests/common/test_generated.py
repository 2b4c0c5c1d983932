"""The command every generated, committed file has: rewrite it, or --check it against a fresh generation."""

from __future__ import annotations

from sdtm_convert.common.generated import regenerate


def test_check_fails_on_a_stale_file_and_a_rewrite_mends_it(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text("old\n", encoding="utf-8")
    assert regenerate(page, lambda: "new\n", "pkg.page", "the page", ["--check"]) == 1
    assert capsys.readouterr().err == "page.md is stale: run python -m pkg.page\n"
    assert page.read_text(encoding="utf-8") == "old\n"  # --check writes nothing
    assert regenerate(page, lambda: "new\n", "pkg.page", "the page", []) == 0
    assert page.read_text(encoding="utf-8") == "new\n"
    assert regenerate(page, lambda: "new\n", "pkg.page", "the page", ["--check"]) == 0


def test_a_missing_file_is_stale_and_is_written(tmp_path):
    page = tmp_path / "schema.json"
    assert regenerate(page, lambda: "{}\n", "pkg.schema", "the schema", ["--check"]) == 1
    assert regenerate(page, lambda: "{}\n", "pkg.schema", "the schema", []) == 0 and page.read_text() == "{}\n"
