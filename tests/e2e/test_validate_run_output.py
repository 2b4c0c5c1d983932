"""`validate` on what `run` writes: each dataset of the SDTM folder once (it holds XPT and Dataset-JSON of every
dataset), and our own define.xml files pass the define checks on their own."""

from __future__ import annotations

import json

import pyreadstat
import pytest

from sdtm_convert.cli import main
from sdtm_convert.pipeline import adam_dir, sdtm_dir


def test_the_sdtm_folder_of_a_run_is_validated_once_per_dataset(sample_run, capsys):
    folder = sdtm_dir(sample_run.out, "NCT03745417")
    xpts = sorted(folder.glob("*.xpt"))
    assert len(xpts) == len(list(folder.glob("*.json")))  # run writes both formats of every dataset
    records = sum(len(pyreadstat.read_xport(str(p))[0]) for p in xpts)
    main(["validate", str(folder), "--json", "--rules", "SC-TECH-*"])
    summary = json.loads(capsys.readouterr().out)
    assert (summary["datasets"], summary["records"]) == (len(xpts), records)
    assert summary["notes"][0].startswith(f"{len(xpts)} datasets are present in more than one format; each was "
                                          "validated once, from its XPT file; not read: ae.json, dm.json, ")


@pytest.mark.parametrize("which", [sdtm_dir, adam_dir])
def test_our_own_define_passes_the_define_checks(sample_run, capsys, which):
    define = which(sample_run.out, "NCT03745417") / "define.xml"
    code = main(["validate", str(define), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert (code, summary["findings"], summary["standard"]) == (0, 0, "define-xml-2.1")


def test_a_runs_output_folder_is_refused_naming_its_packages(sample_run, capsys):
    """The run's root holds manifest.json, not a dataset: one line listing the packages to validate instead."""
    code = main(["validate", str(sample_run.out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert err == (f"error: [package-is-run-folder] {sample_run.out}: this is a run's output folder, not a package; "
                   f"its packages: sdtm-convert validate {adam_dir(sample_run.out, 'NCT03745417')}; "
                   f"sdtm-convert validate {sdtm_dir(sample_run.out, 'NCT03745417')}")
