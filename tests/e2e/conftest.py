"""One conversion of the bundled sample study, shared by the end-to-end tests (it takes seconds)."""

from pathlib import Path

import pytest

from sdtm_convert.pipeline import run_study

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "nct03745417"
SPEC = ROOT / "mappings" / "nct03745417"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample-run")
    return run_study(SAMPLE, SPEC, out)
