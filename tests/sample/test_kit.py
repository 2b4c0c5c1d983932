"""A generated sample is a study folder `run` converts as it is: README, study file, a copy of the spec."""

from pathlib import Path

import yaml

from sdtm_convert.sample import generate_study
from sdtm_convert.spec.locate import STUDY_FILE, find_spec

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "mappings" / "nct03745417"


def test_the_sample_carries_a_copy_of_the_spec_and_a_study_file_naming_it(tmp_path):
    summary = generate_study(tmp_path / "s7", subjects=3, seed=7)
    out = tmp_path / "s7"
    assert yaml.safe_load((out / STUDY_FILE).read_text(encoding="utf-8")) == {"study": "NCT03745417", "spec": "spec"}
    files = [p.relative_to(SPEC) for p in [*SPEC.glob("*.yaml"), *SPEC.glob("adam/*.yaml")]]  # + the ADaM specs
    assert sorted(p.relative_to(out / "spec") for p in (out / "spec").rglob("*.yaml")) == sorted(files)
    assert any(p.parts[0] == "adam" for p in files)
    for rel in files:
        assert (out / "spec" / rel).read_bytes() == (SPEC / rel).read_bytes(), rel
    assert find_spec(out) == out / "spec" and summary["spec"] == str(out / "spec")


def test_the_summary_and_readme_give_the_exact_run_command(tmp_path):
    summary = generate_study(tmp_path / "s2000", subjects=4, faults=("unknown-sex",))
    assert summary["run_command"] == f"sdtm-convert run {tmp_path / 's2000'} --out {tmp_path / 's2000-build'}"
    readme = (tmp_path / "s2000" / "README.md").read_text(encoding="utf-8")
    assert "sdtm-convert run s2000 --out s2000-build" in readme
    assert "sdtm-convert sample --subjects 4 --seed 20211031 --sites 2 --fault unknown-sex --out s2000" in readme
    assert f"`{STUDY_FILE}` (`spec: spec`)" in readme and "| `dm.csv` | 4 |" in readme and "`unknown-sex`" in readme


def test_the_sample_is_written_byte_identically_twice(tmp_path):
    generate_study(tmp_path / "a" / "s", subjects=2)
    generate_study(tmp_path / "b" / "s", subjects=2)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 11 + 2 + len(list(SPEC.rglob("*.yaml")))  # 11 CSV (2 sites), README, study file, spec
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_without_spec_only_the_csv_files_are_written(tmp_path):
    summary = generate_study(tmp_path, subjects=2, with_spec=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(summary["files"])
    assert "run_command" not in summary


def test_another_studyid_is_written_where_the_spec_copy_names_the_study(tmp_path):
    summary = generate_study(tmp_path / "p", subjects=2, studyid="PSO-02")
    spec = tmp_path / "p" / "spec"
    assert summary["study"] == "PSO-02"
    assert yaml.safe_load((spec / "study.yaml").read_text(encoding="utf-8"))["studyid"] == "PSO-02"
    dm = yaml.safe_load((spec / "dm.yaml").read_text(encoding="utf-8"))["sources"][0]["variables"]
    assert dm[0]["value"] == "PSO-02" and dm[2]["parts"][0] == {"value": "PSO-02"}  # STUDYID, USUBJID
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(spec.rglob("*.yaml")))
    assert 'val: "NCT03745417"' in text  # the registry identifier (TS REGID) stays the registry's
    assert "--studyid PSO-02" in (tmp_path / "p" / "README.md").read_text(encoding="utf-8")


def test_a_studyid_that_is_not_an_identifier_is_refused(tmp_path):
    import pytest

    from sdtm_convert.errors import SdtmConvertError

    with pytest.raises(SdtmConvertError) as ex:
        generate_study(tmp_path / "p", subjects=2, studyid="pso 2")
    assert ex.value.issue.code == "sample-argument-invalid" and not (tmp_path / "p").exists()
