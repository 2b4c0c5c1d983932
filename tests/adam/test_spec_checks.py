"""A mistake in an ADaM spec (a copy of mappings/nct03745417/adam/*.yaml) is found before any data is read:
one error naming the file, its line and the cause, through the real loader and through `sdtm-convert run`
(exit 2, one line)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sdtm_convert import pipeline
from sdtm_convert.errors import SdtmConvertError

SPEC = Path(__file__).resolve().parents[2] / "mappings" / "nct03745417"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "nct03745417"


def _copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec)
    path = spec / "adam" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return spec


def _line(spec: Path, file: str, needle: str) -> int:
    """The line holding ``needle``; "# ..." a comment line: the line after it; "ADXX:..." in ADXX's file."""
    if needle.startswith("AD") and ":" in needle:
        file, needle = needle.split(":", 1)[0].lower() + ".yaml", needle.split(":", 1)[1]
    lines = (spec / "adam" / file).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line) + needle.startswith("#")


MISTAKES = [
    ("adae.yaml", "  - step: derive_vars_duration", "  - step: derive_vars_durations", "- step: derive_vars_durations",
     "spec-adam-step-unknown", "unknown step 'derive_vars_durations' (did you mean 'derive_vars_duration'?)"),
    ("adae.yaml", "    end_window: 28", "    end_windw: 28", "end_windw",
     "spec-key-unknown", "unknown key 'end_windw' (did you mean 'end_window'?)"),
    ("adae.yaml", "    new_vars_prefix: AEN\n    dtc: AEENDTC\n", "    new_vars_prefix: AEN\n",
     "# AENDT first", "spec-invalid", "adam spec invalid at steps/2: 'dtc' is a required property"),
    ("adae.yaml", "    source_vars: [ASTDT, AENDT]", "    source_vars: [ASTDT, AENDT, ADT]",
     "- step: derive_vars_dy", "spec-adam-variable-order", "step derive_vars_dy reads ADT before a step sets it"),
    ("adae.yaml", "sources: [AE, ADSL]", "sources: [AE, ADSL, LB]", "sources:",
     "spec-adam-source-unknown", "source 'LB' is produced neither by the SDTM spec nor by another ADaM spec"),
    ("adae.yaml", "    dataset_add: ADSL\n", "    dataset_add: DM\n", "- step: derive_vars_merged",
     "spec-adam-source-undeclared", "step derive_vars_merged reads DM, which sources does not name"),
    ("adae.yaml", "  - {name: AOCCPFL,", "  - {name: AOCCXFL, method: x}\n  - {name: AOCCPFL,", "AOCCXFL",
     "spec-adam-variable-unset", "variable AOCCXFL is declared but no step sets it"),
    ("adae.yaml", "  - {name: AOCCPFL,", "  - {name: AOCCFL}\n  - {name: AOCCPFL,", "{name: AOCCFL}",
     "spec-adam-variable-duplicate", "variable AOCCFL is declared twice (first at line"),
    ("adae.yaml", "keys: [STUDYID, USUBJID, AESEQ]", "keys: [STUDYID, USUBJID, AESEQ, ASEQ]", "keys:",
     "spec-adam-key-undeclared", "keys names ASEQ, which is not a declared variable"),
    ("adae.yaml", "  - step: ae_records\n", "", "- step: derive_vars_merged",
     "spec-adam-first-step", "the first step must make the records; derive_vars_merged adds to them"),
    ("adsl.yaml", "sources: [DM, EX, DS, PASI]", "sources: [DM, EX, DS, PASI, ADAE]", "ADAE:sources:",
     "spec-adam-source-cycle", "ADAE, ADSL read each other (a cycle in sources)"),
    ("adpasi.yaml", "    trtemfl_window_days: 28  # ONTRTFL", "    trtemfl_window_days: 30  # ONTRTFL",
     "ADSL:trtemfl_window_days", "spec-adam-setting-conflict",
     "trtemfl_window_days differs from the one of adpasi.yaml line 24 (a study-wide setting"),
    ("adpasi.yaml", "    filter: {var: FASFL, op: eq, value: \"Y\"}", "    filter: {var: FASFL, op: equals, value: \"Y\"}",
     "op: equals", "spec-invalid", "adam spec invalid at steps/3/filter/op: 'equals' is not one of"),
]


@pytest.mark.parametrize(("file", "old", "new", "needle", "code", "cause"), MISTAKES,
                         ids=[m[4] + "-" + m[2].strip()[:20] for m in MISTAKES])
def test_adam_spec_mistake_names_file_line_and_cause(tmp_path, file, old, new, needle, code, cause):
    spec = _copy(tmp_path, file, old, new)
    with pytest.raises(SdtmConvertError) as exc:
        pipeline.prepare_spec(spec)
    issue = exc.value.issue
    where = needle.split(":", 1)[0].lower() + ".yaml" if needle[:2] == "AD" and ":" in needle else file
    assert (issue.code, issue.file, issue.line) == (code, str(spec / "adam" / where), _line(spec, file, needle))
    assert issue.message.startswith(cause), issue.message


def test_the_bundled_adam_specs_load_in_source_order():
    spec, _ = pipeline.prepare_spec(SPEC)
    assert [s.dataset for s in spec.adam] == ["ADAE", "ADPASI", "ADSL"]  # file order; built in sources order
    assert spec.adam[2].params(0)["planned_infusions"] == 5


def test_a_folder_without_adam_specs_has_none():
    spec, _ = pipeline.prepare_spec(SPEC.parent / "otheredc01")
    assert spec.adam == []


def test_the_pilot_adam_specs_load():
    spec, _ = pipeline.prepare_spec(SPEC.parent / "cdiscpilot01")
    assert sorted(s.dataset for s in spec.adam) == ["ADAE", "ADSL", "ADVS"]


@pytest.mark.parametrize(("file", "old", "new", "needle", "code", "cause"), [MISTAKES[0], MISTAKES[3]],
                         ids=["unknown-step", "read-before-set"])
def test_run_stops_before_reading_data_with_one_line(tmp_path, file, old, new, needle, code, cause):
    spec = _copy(tmp_path, file, old, new)
    raw = tmp_path / "raw"  # no data file: reading any raw data would fail with raw-file-missing
    raw.mkdir()
    shutil.copy(SAMPLE / "README.md", raw / "README.md")
    p = subprocess.run([sys.executable, "-m", "sdtm_convert.cli", "run", str(raw), "--spec", str(spec), "--out",
                        str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    lines = [line for line in p.stderr.strip().splitlines() if not line.startswith("[")]
    assert p.returncode == 2 and len(lines) == 1, p.stderr
    assert lines[0].startswith(f"error: [{code}] {spec / 'adam' / file}, line {_line(spec, file, needle)}: {cause}")
    assert not (tmp_path / "out").exists()


def test_pasi_source_follows_the_study_pasi_domain(tmp_path):
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec)
    study = spec / "study.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace("domain: QS", "domain: RS"), encoding="utf-8")
    loaded, _ = pipeline.prepare_spec(spec)  # sources: [PASI, ADSL] is RS now, which pasi.yaml produces
    assert "PASI" in next(s for s in loaded.adam if s.dataset == "ADPASI").sources


def test_study_yaml_adam_settings_beside_adam_specs_is_an_error(tmp_path):
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec)
    study = spec / "study.yaml"
    study.write_text(study.read_text(encoding="utf-8") + "adam:\n  nri: false\n", encoding="utf-8")
    with pytest.raises(SdtmConvertError) as exc:
        pipeline.prepare_spec(spec)
    issue = exc.value.issue
    assert (issue.code, issue.file) == ("spec-adam-study-settings", str(study))
    assert issue.line == len(study.read_text(encoding="utf-8").splitlines()) - 1
    assert issue.message == ("study.yaml adam: is not read when the study has ADaM specs (adam/*.yaml): give it as "
                             "parameters of their steps")
