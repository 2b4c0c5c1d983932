"""One conversion of the bundled sample study, shared by the end-to-end tests (it takes seconds)."""

import re
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


# What a reviewer's guide must never show of the spec's machinery: Python/YAML mappings ({'var': 'NINFUS', 'op': ...}),
# settings of study.yaml's adam: block (adam.trtemfl_window_days) and the spec's working columns (__value, __DTHDTC).
CONFIG_INTERNALS = re.compile(r"[{}]|'(?:var|op|value)'|\(condition:|\badam\.[a-z]+_[a-z_]+|(?<![\w/.])__\w")


def config_internals(text: str) -> list[str]:
    """The lines of ``text`` that show config internals (CONFIG_INTERNALS)."""
    return [line for line in text.splitlines() if CONFIG_INTERNALS.search(line)]
