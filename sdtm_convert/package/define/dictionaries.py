"""External dictionaries' versions read from the raw coding exports (a define spec dictionary's
``version_from: RAWDATASET.COLUMN``), right after the raw data is read; no or several versions, or another than
the spec's, is ``spec-define-dictionary-version``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.spec import define_spec as ds


def dictionary_versions(spec: ds.DefineSpec, raw: Mapping[str, Any]) -> tuple[ds.DefineSpec, list[Issue]]:
    """A copy of ``spec`` whose dictionaries with ``version_from`` state the version the raw coding export holds
    (``raw``: raw dataset name → object with ``frame``); several versions, or none, is an issue."""
    issues: list[Issue] = []
    dictionaries = []
    for i, d in enumerate(spec.dictionaries):
        name, _, column = d.version_from.partition(".")
        frame = getattr(raw.get(name), "frame", None) if d.version_from else None
        if frame is None or column not in frame.columns:
            dictionaries.append(d)
            continue
        found = sorted({str(v).strip() for v in frame[column].dropna() if str(v).strip()})
        if len(found) == 1 and d.version and d.version != found[0]:
            issues.append(Issue("spec-define-dictionary-version", ERROR, f"dictionary {d.id}: version {d.version} "
                                f"but {d.version_from} holds {found[0]} (define.xml states {d.version})",
                                file=spec.path or None, line=spec.line("dictionaries", i, "version")))
        elif len(found) != 1:
            issues.append(Issue("spec-define-dictionary-version", ERROR, f"dictionary {d.id}: {d.version_from} "
                                f"holds {'no version' if not found else 'several versions: ' + ', '.join(found)}"
                                f"{'' if not d.version else f' (define.xml states {d.version})'}",
                                file=spec.path or None, line=spec.line("dictionaries", i, "version_from")))
        dictionaries.append(replace(d, version=found[-1]) if found and not d.version else d)
    return replace(spec, dictionaries=dictionaries), issues


def read_dictionary_versions(study_spec: Any, raw: Mapping[str, Any]) -> list[Issue]:
    """Set the dictionary versions of a checked study spec's define spec (``spec.define`` and
    ``spec.study.define``) from the raw coding exports just read; the problems found."""
    if study_spec.define is None or not any(d.version_from for d in study_spec.define.dictionaries):
        return []
    study_spec.define, issues = dictionary_versions(study_spec.define, raw)
    study_spec.study = replace(study_spec.study, define=study_spec.define)
    return issues
