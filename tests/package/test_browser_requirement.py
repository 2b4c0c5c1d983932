"""Without Chromium the browser tests skip with one line saying how to enable them; CI's setting makes it a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.package.cdp import MISSING, REQUIRE_ENV

ROOT = Path(__file__).resolve().parents[2]
BROWSER_TESTS = "tests/package/test_define_html_browser.py"


def _pytest_without_chromium(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The browser tests in a child pytest whose PATH holds only this Python (so no Chromium is found)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python").symlink_to(sys.executable)
    child_env = {k: v for k, v in os.environ.items() if k != REQUIRE_ENV} | {"PATH": str(bindir), **env}
    return subprocess.run(
        [sys.executable, "-m", "pytest", BROWSER_TESTS, "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=ROOT, env=child_env, capture_output=True, text=True, timeout=300, check=False,
    )


def test_missing_chromium_skips_the_browser_tests_with_one_line_saying_how_to_enable_them(tmp_path):
    done = _pytest_without_chromium(tmp_path)
    assert done.returncode == 0, done.stdout
    lines = [line for line in done.stdout.splitlines() if MISSING in line]
    assert lines == [f"4 browser tests skipped: {MISSING}"]
    assert "4 skipped" in done.stdout


def test_missing_chromium_fails_when_the_environment_requires_the_browser(tmp_path):
    done = _pytest_without_chromium(tmp_path, **{REQUIRE_ENV: "1"})
    assert done.returncode == 1, done.stdout
    assert "4 error" in done.stdout and "skipped" not in done.stdout
    assert f"{REQUIRE_ENV}=1 forbids skipping them" in done.stdout


@pytest.mark.skipif(os.environ.get(REQUIRE_ENV) != "1", reason="only where the browser is required (CI)")
def test_ci_has_the_browser():
    from tests.package.cdp import find_chromium

    assert find_chromium() is not None
