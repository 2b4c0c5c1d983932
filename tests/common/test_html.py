"""Every HTML page is rendered by one environment: values escaped, control characters shown as \\xNN text."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from sdtm_convert.common.html import visible
from sdtm_convert.validate import validate_package, write_html
from tests.validate.conftest import sdtm_base

PACKAGE = Path(__file__).resolve().parents[2] / "sdtm_convert"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def test_control_characters_become_visible_text_and_the_rest_stays():
    assert visible("a\x00b\x1bc\x7f\td\r\ne") == "a\\x00b\\x1Bc\\x7F\td\r\ne"
    assert visible("plain") == "plain" and visible(3) == 3 and visible(None) is None
    kept = visible(Markup("<b>\x07</b>"))
    assert isinstance(kept, Markup) and kept == Markup("<b>\\x07</b>")


def test_a_nul_in_a_validated_value_is_shown_not_written_raw(tmp_path):
    package = sdtm_base()
    package["AE"].loc[0, "AESTDTC"] = "2021-01-0\x001"  # invalid ISO 8601: its value lands in the report
    html = write_html(validate_package(package), tmp_path / "r.html").read_text(encoding="utf-8")
    assert not CONTROL.search(html)
    assert "2021-01-0\\x001" in html


def test_every_page_is_rendered_by_the_one_environment():
    """A template environment made anywhere else would escape differently or not show control characters; the
    Markdown of the reviewer's guides has its one environment too."""
    makers = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
              if re.search(r"\bEnvironment\(", p.read_text(encoding="utf-8"))]
    assert sorted(makers) == ["common/html.py", "common/markdown.py"]
