"""Conform every derived domain (variable order, types, lengths, metadata) and check it against its row schema."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sdtm_convert.common.store import FrameStore
from sdtm_convert.errors import Issue
from sdtm_convert.io.raw import PROVENANCE, SRC_FILE, SRC_ROW
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.sdtm import conform as conform_mod
from sdtm_convert.sdtm.trialdesign import build_trial_design


def add_trial_design(study: Any, ct: Any, frames: FrameStore) -> list[Issue]:
    """TS, TA, TE, TV, TI from the study configuration (subject counts from DM) into ``frames``; their issues."""
    design, issues = build_trial_design(study, ct, frames.get("DM"))
    frames.update(design)
    return issues


def conform_study(frames: FrameStore, origins: dict[str, dict[str, Any]]
                  ) -> tuple[FrameStore, dict[str, DatasetMeta], pd.DataFrame | None, list[Issue]]:
    """Conform the derived frames one at a time into a store of their own. Returns it, the metadata by domain,
    the lineage (every record → raw file and row; stored in ``frames``) and the issues. Each derived frame's
    file goes as it is conformed; frames handed out stay readable."""
    from sdtm_convert.rowschema import load_schema, validate_frame

    sdtm, metadata, lineage, issues = FrameStore("sdtm"), {}, [], []
    for code in sorted(frames):  # (the names now: what follows adds lineage parts)
        frame = frames.pop(code)
        try:
            schema = load_schema(code)
            keys = list(schema.get("x-keys", []))
        except KeyError:
            schema, keys = None, []
        data, meta, lin, found = conform_mod.conform(code, frame, origins=origins.get(code), keys=keys)
        issues += found
        if schema is not None:
            with_prov = data.copy(deep=False)
            if all(c in frame.columns for c in PROVENANCE):
                with_prov[SRC_FILE] = lin["raw_file"].array  # stays in Arrow
                with_prov[SRC_ROW] = lin["raw_row"].to_numpy()
            issues += validate_frame(with_prov, schema, dataset=code)
        sdtm[code] = data
        metadata[code] = meta
        lineage.append(frames.keep(f"lineage {code}", lin))
    whole = frames.keep("lineage", pd.concat(lineage, ignore_index=True)) if lineage else None
    return sdtm, metadata, whole, issues
