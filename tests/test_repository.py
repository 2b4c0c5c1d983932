"""The repository itself: no committed text names a path that exists only on one machine."""

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEXT = {".md", ".py", ".yaml", ".yml", ".toml", ".sh", ".txt", ".cfg", ".ini", ".j2", ".html", ".xsl", ""}
# home folders and shared work trees of one machine; "/tmp" alone is a generic example, a virtualenv in it is not
MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|home|root|Users)/|/tmp" + r"/venv")


def tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [REPO / name for name in out.decode().split("\0") if name]


def test_no_committed_text_names_a_machine_specific_path():
    found = []
    for path in tracked_files():
        if path.suffix.lower() not in TEXT or not path.is_file() or path.is_symlink():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATH.search(line):
                found.append(f"{path.relative_to(REPO)}:{n}: {line.strip()[:100]}")
    assert found == []
