"""A run's ``manifest.json``: tool, settings, checksums of the spec, the inputs and every output."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.io.raw import RawDataset, frame_sha256, frame_source
from sdtm_convert.package.manifest import sha256, write_manifest


def write_run_manifest(stage: Path, out: Path, study: Any, spec_folder: str | Path,
                       raw_folder: str | Path | Mapping[str, pd.DataFrame], raw: dict[str, RawDataset],
                       encoding: str | None, failed: bool) -> Path:
    """``manifest.json`` at the root of the package being written in ``stage`` (raw data frames: the checksum
    of the text they were read as, written as CSV). Folders are named relative to ``out``, the package's final
    place: no machine path."""
    from sdtm_convert.version import __version__

    spec_dir = Path(spec_folder)
    if isinstance(raw_folder, Mapping):
        checksums = {frame_source(n): frame_sha256(raw_folder[n]) for n in raw}
        raw_label = "(data frames)"
    else:
        raw_dir = Path(raw_folder)
        checksums = {name: sha256(raw_dir / name) for name in sorted({f for ds in raw.values() for f in ds.files})}
        raw_label = relative_to_output(out, raw_dir)
    extra = {
        "tool": {"name": "sdtm-convert", "version": __version__},
        "study": study.studyid,
        "package_date": study.created,
        "package_date_source": study.package_date_source,
        "settings": {"raw_folder": raw_label, "spec_folder": relative_to_output(out, spec_dir), "encoding": encoding,
                     "ct_version": study.ct_version, "pasi": {"domain": study.pasi.domain,
                                                              "version": study.pasi.version}},
        "spec": {p.relative_to(spec_dir).as_posix(): sha256(p)  # the SDTM specs, then the ADaM specs (adam/)
                 for p in [*sorted(spec_dir.glob("*.yaml")), *sorted(spec_dir.glob("adam/*.yaml"))]},
        "inputs": dict(sorted(checksums.items())),
        "status": "failed" if failed else "passed",
    }
    return write_manifest(stage, extra=extra)


def relative_to_output(out: Path, folder: Path) -> str:
    """A raw or spec folder relative to the output folder (POSIX separators), as ``trace`` finds the raw rows:
    the manifest names no machine path, and a run whose output sits at the same place relative to its inputs
    writes the same bytes wherever the whole lies."""
    return Path(os.path.relpath(folder.resolve(), Path(out).resolve())).as_posix()
