from pathlib import Path

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: needs headless Chromium (apt-get install -y chromium); fails without it"
    )


@pytest.fixture
def data_dir() -> Path:
    return Path(__file__).parents[1] / "data"


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def bundled_defines(tmp_path_factory) -> dict[str, Path]:
    """The define.xml files of both bundled studies' runs (``sdtm-convert run`` and ``sdtm-convert run
    sample_data/cdiscpilot01``, XPT only, without conformance validation), keyed ``<study> SDTM|ADaM``."""
    from sdtm_convert.cli.run import DEFAULT_STUDY
    from sdtm_convert.pipeline import run_study
    from sdtm_convert.spec.locate import bundled_study, find_spec

    found = {}
    for study_dir in (bundled_study(DEFAULT_STUDY), ROOT / "sample_data" / "cdiscpilot01"):  # as the CLI finds them
        study = study_dir.name
        out = tmp_path_factory.mktemp(f"run-{study}")
        run_study(study_dir, find_spec(study_dir), out, formats=("xpt",), validate=False, jobs=1)
        for path in sorted(out.glob("m5/datasets/*/*/**/define.xml")):
            found[f"{study} {'ADaM' if 'analysis' in path.parts else 'SDTM'}"] = path
    return found
