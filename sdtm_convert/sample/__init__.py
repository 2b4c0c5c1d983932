"""Deterministic synthetic raw (EDC-export) study for NCT03745417: ``generate_study``.

The output is what a data manager receives at database lock: one CSV per CRF form, labels instead
of codes, EDC text dates (``12 MAR 2022``, ``UN MAR 2022``), site-specific vital-signs builds. The
layout is documented in ``sample_data/nct03745417/README.md``; the deliberate edge cases are listed
in :mod:`sdtm_convert.sample.cases`. Same ``(subjects, seed, sites)`` → byte-identical files.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd

from sdtm_convert.common.atomic import atomic_open
from sdtm_convert.common.places import check_output_folder

from ..errors import SdtmConvertError, fatal
from . import assessments, forms
from .ae import ae, ae_meddra, ae_records
from .faults import FAULTS, apply_faults, check_fault_names
from .kit import SPEC_FOLDER, check_studyid, run_command, write_kit
from .labels import STUDYID
from .plan import build_plan

__all__ = ["generate_study", "build_frames", "FAULTS", "DEFAULT_SEED", "SdtmConvertError"]

DEFAULT_SEED = 20211031


def build_frames(subjects: int = 30, seed: int = DEFAULT_SEED, sites: int = 2) -> dict[str, pd.DataFrame]:
    """All raw forms as text frames, keyed by file name, in a fixed order."""
    if int(subjects) < 1 or not 1 <= int(sites) <= 99:
        raise fatal(
            "sample-argument-invalid", f"subjects must be >= 1 and sites 1-99 (got subjects={subjects}, sites={sites})"
        )
    plan = build_plan(int(subjects), int(seed), int(sites))
    records = ae_records(plan, seed)
    frames = {
        "dm.csv": forms.dm(plan, seed),
        "ic.csv": forms.ic(plan),
        "ie.csv": forms.ie(plan),
        "visits.csv": forms.visits(plan),
        "infusion.csv": assessments.infusion(plan, seed),
        "pasi.csv": assessments.pasi(plan, seed),
        "ae.csv": ae(plan, records),
        "ae_meddra.csv": ae_meddra(plan, records),
        "disposition.csv": forms.disposition(plan),
    }
    for site, df in assessments.vitals(plan, seed).items():
        frames[f"vitals_site{site:02d}.csv"] = df
    return frames


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    """UTF-8, comma, header, "\\n" line ends, minimal quoting (csv.QUOTE_MINIMAL); temp file + rename."""
    with atomic_open(path, "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(list(df.columns))
        writer.writerows(zip(*(df[c].tolist() for c in df.columns), strict=True))


def generate_study(
    out_dir: str | os.PathLike[str],
    subjects: int = 30,
    seed: int = DEFAULT_SEED,
    sites: int = 2,
    *,
    faults: tuple[str, ...] | list[str] = (),
    with_spec: bool = True,
    studyid: str = STUDYID,
) -> dict:
    """Write the raw study to ``out_dir`` (created if needed); return a summary.

    Summary: ``{"study", "subjects", "seed", "sites", "faults", "out_dir", "files": {name: data rows}}``, and
    with ``with_spec`` also ``"spec"`` (the spec folder) and ``"run_command"`` (the command that converts it).
    The ``*.csv`` files named in ``files`` are written and, with ``with_spec`` (the default), ``spec/`` (a copy
    of the shipped mapping spec), ``sdtm-convert.yaml`` (the study file naming it, so ``sdtm-convert run
    OUT_DIR`` needs no ``--spec``) and ``README.md``; nothing else in ``out_dir`` is touched.
    ``studyid`` (default ``NCT03745417``) is written into the spec copy as the study's STUDYID and the prefix of
    its USUBJIDs (the raw files are the same), so that several generated studies can be pooled.
    Arguments and the output place are checked before any data is built. Bad arguments, unknown faults, an
    unusable output place and write failures raise :class:`SdtmConvertError` (codes ``sample-argument-invalid``,
    ``sample-fault-unknown``, ``output-not-a-folder``, ``output-not-writable``, ``sample-write-failed``).
    """
    out = check_output_folder(out_dir)
    faults = tuple(faults)
    check_fault_names(faults)
    check_studyid(studyid, with_spec)
    frames = apply_faults(build_frames(subjects, seed, sites), faults)
    summary = _summary(out, subjects, seed, sites, faults, frames) | {"study": studyid}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, df in frames.items():
            _write_csv(df, out / name)
        if with_spec:
            write_kit(out, summary)
    except OSError as exc:
        raise fatal("sample-write-failed", f"cannot write the sample study: {exc}", file=str(out)) from None
    if with_spec:
        summary |= {"spec": str(out / SPEC_FOLDER), "run_command": run_command(out)}
    return summary


def _summary(out: Path, subjects: int, seed: int, sites: int, faults: tuple[str, ...] | list[str],
             frames: dict[str, pd.DataFrame]) -> dict:
    return {
        "study": STUDYID,
        "subjects": int(subjects),
        "seed": int(seed),
        "sites": int(sites),
        "faults": list(faults),
        "out_dir": str(out),
        "files": {name: len(df) for name, df in frames.items()},
    }
