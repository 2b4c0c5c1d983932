"""docs/trust.md names tests that exist: every ``file::test`` it cites (``::test`` alone continues the file before)."""

import re
from pathlib import Path

from tests.trust.faults import FAULTS

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "trust.md"


def _cited() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    cited, current = [], ""
    for file, name in re.findall(r"`(tests/[\w/]+\.py)?::(test_\w+)", text):
        current = file or current
        cited.append((current, name))
    return cited


def test_every_test_the_trust_doc_cites_exists():
    cited = _cited()
    assert len(cited) > 20
    missing = [f"{f}::{n}" for f, n in cited if not re.search(rf"^def {n}\(", (REPO / f).read_text(encoding="utf-8"),
                                                                  re.MULTILINE)]
    assert missing == []


def test_every_fault_the_trust_doc_names_is_in_the_catalogue():
    names = {f.name for f in FAULTS}
    text = DOC.read_text(encoding="utf-8")
    codes = {e.code for f in FAULTS for e in f.expect} | {"raw-records-unread", "raw-row-unaccounted"} \
        | {"output-leftover-removed", "output-not-a-package", "output-locked", "output-holds-cwd"}
    cited = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+){2,})`", text)) - codes
    assert cited and cited <= names, cited - names
