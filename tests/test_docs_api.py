"""docs/api.md: its python code blocks, run in order in one namespace (as one notebook would), from a scratch
folder holding copies of the bundled study and its spec. The blocks' ``assert`` lines state what a reader sees."""

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "api.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_every_python_block_of_the_api_walkthrough_runs(tmp_path, monkeypatch):
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 10
    for folder in ("sample_data/nct03745417", "mappings/nct03745417"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for i, block in enumerate(blocks, 1):
        try:
            exec(compile(block, f"docs/api.md block {i}", "exec"), namespace)  # noqa: S102 - our own docs
        except Exception as exc:  # the block's number and first line say which example broke
            pytest.fail(f"docs/api.md block {i} ({block.splitlines()[0]!r}) failed: {type(exc).__name__}: {exc}")
    assert (tmp_path / "my-package" / "define.xml").is_file()
    assert (tmp_path / "build" / "manifest.json").is_file()


def test_readme_points_to_the_api_walkthrough():
    assert "docs/api.md" in (ROOT / "README.md").read_text(encoding="utf-8")
