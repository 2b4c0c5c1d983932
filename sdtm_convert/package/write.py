"""Write the eCTD module-5 folder: each dataset in each chosen format (the writers of ``package/writers/``),
then define.xml/define.html per standard.

Everything comes from the same frames and :class:`DatasetMeta` objects; define.xml declares the lengths the
primary format (XPT) wrote, which :func:`write_datasets` returns as copies of the metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from sdtm_convert.errors import Issue
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.package import writers
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards import load_ct

FORMATS = tuple(w.name for w in writers.ordered())  # every registered format, the primary (XPT) first


@dataclass
class Written:
    """What a package writer wrote: files, issues, and each dataset's metadata as written (the primary
    format's lengths; the metadata given is never changed) for define.xml and the validator."""

    files: list[Path] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    metas: dict[str, DatasetMeta] = field(default_factory=dict)


def formats_for(process: str, formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats of ``formats`` that a run writes in ``process`` ("worker" or "main"), in package order."""
    return tuple(w.name for w in writers.ordered(formats) if w.process == process)


def write_datasets(frames: Mapping[str, pd.DataFrame], metas: Mapping[str, DatasetMeta], folder: Path,
                   study: StudyConfig, *, formats: tuple[str, ...] = FORMATS) -> Written:
    """Write each dataset in each of ``formats`` into ``folder`` (lower-case file names), primary format first:
    the lengths it writes are handed to the later writers and returned in ``metas`` (``metas`` untouched)."""
    out = Written(metas=dict(metas))
    folder.mkdir(parents=True, exist_ok=True)
    chosen = writers.ordered(formats)
    for name in sorted(frames):
        frame, meta = frames[name], metas[name]
        for writer in chosen:
            done = writer.write(frame, meta, folder, study)
            out.issues += done.issues
            out.files += done.files
            if done.lengths:
                meta = with_lengths(meta, done.lengths, records=len(frame))
        out.metas[name] = meta
    return out


def with_lengths(meta: DatasetMeta, lengths: Mapping[str, int], *, records: int) -> DatasetMeta:
    """A copy of ``meta`` declaring ``lengths`` (bytes by variable) and ``records``."""
    variables = [replace(v, length=lengths.get(v.name, v.length)) for v in meta.variables]
    return replace(meta, variables=variables, records=records)


def write_define(frames: Mapping[str, pd.DataFrame], metas: Mapping[str, DatasetMeta], folder: Path,
                 study: StudyConfig, *, standard: str, arm: list | None = None) -> Written:
    """define.xml (+ stylesheet, define.html) for the datasets of one standard, checked against the XSD; with the
    sponsor's define spec (``study.define``) merged in (:mod:`sdtm_convert.package.define.sponsor`)."""
    from sdtm_convert.package import write_define_bundle
    from sdtm_convert.package.define.sponsor import prepare_define
    from sdtm_convert.package.xsd import validate_define

    out = Written()
    ct = load_ct(study.ct_version)
    datasets, sponsor, used, out.issues = prepare_define(
        [metas[n] for n in sorted(metas)], frames, study.define, adam=standard.startswith("ADaM"), ct=ct)
    said = sponsor.study if sponsor else {}
    files = write_define_bundle(
        folder, datasets, study_oid=study.studyid, study_name=said.get("StudyName") or study.studyid,
        description=said.get("StudyDescription") or study.title or study.studyid,
        protocol=said.get("ProtocolName") or study.protocol or study.studyid, standard=standard,
        ct_version=study.ct_version, created=study.created, used_values=used, ct=ct, arm=arm, sponsor=sponsor,
        issues=out.issues,
    )
    out.files += files
    out.issues += validate_define(folder / "define.xml")
    return out
