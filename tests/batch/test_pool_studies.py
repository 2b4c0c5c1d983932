"""``sdtm-convert batch pool`` on whole converted studies: generated studies with their own STUDYIDs, and the
bundled study pooled with the CDISC pilot (``sample_data/cdiscpilot01``, converted by its bundled spec)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sdtm_convert.cli import main
from sdtm_convert.package.tables import find_datasets, read_dataset
from sdtm_convert.pipeline import run_study
from sdtm_convert.sample import generate_study
from sdtm_convert.spec.locate import find_spec

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


def _adam(build: Path) -> dict:
    return {n: read_dataset(p) for n, p in find_datasets(build).items() if n in ("ADSL", "ADAE", "ADPASI")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Two generated studies, PSO-01 (6 subjects, XPT) and PSO-02 (4 subjects, Dataset-JSON), converted."""
    root = tmp_path_factory.mktemp("generated")
    builds = []
    for sid, n, seed, fmt in (("PSO-01", 6, 1, "xpt"), ("PSO-02", 4, 2, "json")):
        raw = root / sid
        generate_study(raw, subjects=n, seed=seed, studyid=sid)
        run_study(raw, raw / "spec", root / f"{sid}-build", formats=(fmt,), validate=False, jobs=1)
        builds.append(root / f"{sid}-build")
    return builds


@pytest.fixture(scope="module")
def bundled_and_pilot(tmp_path_factory):
    """The bundled study NCT03745417 and the CDISC pilot, converted (what `sdtm-convert run` writes)."""
    root = tmp_path_factory.mktemp("studies")
    for name in ("nct03745417", "cdiscpilot01"):
        raw = REPO / "sample_data" / name
        run_study(raw, find_spec(raw), root / name, formats=("xpt",), validate=False, jobs=1)
    return root / "nct03745417", root / "cdiscpilot01"


def test_generated_studies_pool_with_counts_summed_and_each_subject_once(generated, tmp_path, capsys):
    spec = tmp_path / "pooling.yaml"
    spec.write_text("pool: PSO-POOL\ndatasets: [ADSL, ADAE, ADPASI]\nstudies:\n  PSO-01:\n  PSO-02:\n", encoding="utf-8")
    code = main(["batch", "pool", *map(str, generated), "--spec", str(spec), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 0, err
    inputs = [_adam(b) for b in generated]
    pooled = _adam(tmp_path / "out")
    for name in ("ADSL", "ADAE", "ADPASI"):  # ADPASI: a BDS dataset the spec declares
        assert len(pooled[name]) == sum(len(i[name]) for i in inputs) > 0
    assert pooled["ADSL"]["USUBJID"].is_unique and len(pooled["ADSL"]) == 10
    assert pooled["ADSL"].groupby("STUDYID").size().to_dict() == {"PSO-01": 6, "PSO-02": 4}
    report = json.loads((tmp_path / "out" / "reports" / "pooling.json").read_text())
    assert report["validation"]["errors"] == 0 and "validation 0 errors" in err


def test_two_packages_of_one_studyid_are_refused_before_pooling(generated, tmp_path, capsys):
    twin = tmp_path / "twin"
    shutil.copytree(generated[0], twin)
    spec = tmp_path / "pooling.yaml"
    spec.write_text("pool: PSO-POOL\nstudies:\n  PSO-01:\n", encoding="utf-8")
    code = main(["batch", "pool", str(generated[0]), str(twin), "--spec", str(spec), "--out", str(tmp_path / "o")])
    assert code == 2 and "[pool-study-twice]" in capsys.readouterr().err


def test_the_bundled_study_and_the_cdisc_pilot_pool_into_a_package_that_validates(bundled_and_pilot, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["batch", "pool", *map(str, bundled_and_pilot), "--spec", str(DATA / "pooling.yaml"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    a, b = (_adam(p) for p in bundled_and_pilot)
    pooled = _adam(out)
    assert (len(pooled["ADSL"]), len(pooled["ADAE"])) == (len(a["ADSL"]) + len(b["ADSL"]), len(a["ADAE"]) + len(b["ADAE"]))
    assert (len(pooled["ADSL"]), len(pooled["ADAE"])) == (336, 1217) and pooled["ADSL"]["USUBJID"].is_unique
    assert pooled["ADSL"].groupby("TRT01P").size().to_dict() == {
        "": 3, "Placebo": 86, "Screen Failure": 52, "UCMSC": 27, "Xanomeline 54 mg": 84, "Xanomeline 81 mg": 84}
    assert set(pooled["ADAE"].loc[pooled["ADAE"]["STUDYID"] == "NCT03745417", "AEDECOD"]) == {
        "HEADACHE", "PYREXIA", "FATIGUE", "NASOPHARYNGITIS", "DIZZINESS", "PRURITUS", "Infusion related reaction"}
    report = json.loads((out / "reports" / "pooling.json").read_text())
    assert report["validation"] == {"errors": 0, "warnings": 0, "report": "validation-pool.html"}
    assert sum(t["records"] for t in report["meddra"]["terms"]) == 23


def test_a_subject_of_the_bundled_study_also_in_the_pilot_is_reported_with_both_studies(bundled_and_pilot, tmp_path,
                                                                                           capsys):
    from sdtm_convert.api import write_package

    pilot = _adam(bundled_and_pilot[1])
    adsl = pilot["ADSL"].copy()
    adsl.loc[0, "USUBJID"] = _adam(bundled_and_pilot[0])["ADSL"]["USUBJID"].iloc[0]  # enrolled in both
    write_package({"ADSL": adsl, "ADAE": pilot["ADAE"]}, tmp_path / "pilot", created="2026-11-25T00:00:00")
    code = main(["batch", "pool", str(bundled_and_pilot[0]), str(tmp_path / "pilot"), "--spec",
                 str(DATA / "pooling.yaml"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert "[pool-subject-duplicate]" in err and "study NCT03745417 and of study CDISCPILOT01" in err
    assert "[pool-subject-unknown]" in err  # the pilot's AE records of the subject renamed away
