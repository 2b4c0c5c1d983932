"""Every SDTM domain of the sample study equals its reviewed golden file (tests/golden/nct03745417)."""

import difflib

import pytest

from tests.golden.golden import HERE, to_csv

DOMAINS = sorted(p.stem.upper() for p in HERE.glob("*.csv"))


def test_golden_files_cover_every_domain(sample_run):
    assert DOMAINS == sorted(sample_run.conversion.sdtm)


@pytest.mark.parametrize("domain", DOMAINS)
def test_domain_matches_golden_file(sample_run, domain):
    expected = (HERE / f"{domain.lower()}.csv").read_text(encoding="utf-8")
    got = to_csv(sample_run.conversion.sdtm[domain])
    if got != expected:
        diff = "".join(list(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), "golden", "now"))[:60])
        pytest.fail(f"{domain} differs from its golden file (python -m tests.golden.golden to update after review):\n{diff}")
