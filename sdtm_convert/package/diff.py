"""Compare two packages (or two runs, or folders of XPT, Dataset-JSON or CSV files) record by record: added,
removed and changed records per dataset (``--agreement``: per-variable agreement, :mod:`.agreement`).

Records are matched on the dataset's natural keys (``x-keys`` of its JSON Schema, e.g. AE: STUDYID,
USUBJID, AEDECOD, AESTDTC); when those keys are not unique in either package, --SEQ is added to them
(and the report says so). Numbers are compared as numbers (relative tolerance 1e-9), text exactly.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MAX_EXAMPLES = 50


@dataclass
class Change:
    key: dict[str, Any]
    variables: dict[str, tuple[Any, Any]]  # name → (old, new)


@dataclass
class DatasetDiff:
    name: str
    keys: list[str]
    old_records: int
    new_records: int
    added: int = 0
    removed: int = 0
    changed: int = 0
    added_keys: list[dict[str, Any]] = field(default_factory=list)
    removed_keys: list[dict[str, Any]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added or self.columns_removed)


@dataclass
class PackageDiff:
    old: str
    new: str
    datasets: list[DatasetDiff]
    only_old: list[str]
    only_new: list[str]

    @property
    def identical(self) -> bool:
        return not self.only_old and not self.only_new and all(d.identical for d in self.datasets)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _datasets(root: Path) -> dict[str, Path]:
    """Dataset name → file: XPT, Dataset-JSON or CSV (:func:`sdtm_convert.package.tables.find_datasets`)."""
    from sdtm_convert.package.tables import find_datasets

    return find_datasets(root)


def _keys(name: str, old: pd.DataFrame, new: pd.DataFrame) -> tuple[list[str], str]:
    try:
        from sdtm_convert.rowschema import load_schema

        keys = [k for k in load_schema(name).get("x-keys", []) if k in old.columns and k in new.columns]
    except KeyError:
        keys = []
    seq = next((c for c in old.columns if c.endswith("SEQ") and c in new.columns), None)
    if not keys:
        keys = [c for c in ("USUBJID", seq) if c and c in old.columns and c in new.columns] or list(old.columns)
    if (old.duplicated(keys).any() or new.duplicated(keys).any()) and seq and seq not in keys:
        return [*keys, seq], f"natural keys not unique; matched on {', '.join(keys)} and {seq}"
    if old.duplicated(keys).any() or new.duplicated(keys).any():
        return keys, "keys not unique; duplicates compared in file order"
    return keys, ""


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype.kind not in "fiu":
            out[c] = out[c].astype("string").fillna("").str.rstrip().astype(str)
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if np.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def diff_frames(name: str, old: pd.DataFrame, new: pd.DataFrame) -> DatasetDiff:
    old, new = _norm(old), _norm(new)
    keys, note = _keys(name, old, new)
    d = DatasetDiff(name, keys, len(old), len(new), note=note,
                    columns_added=[c for c in new.columns if c not in old.columns],
                    columns_removed=[c for c in old.columns if c not in new.columns])
    common = [c for c in old.columns if c in new.columns]
    o = old[common].assign(__n=old.groupby(keys, sort=False).cumcount())
    n = new[common].assign(__n=new.groupby(keys, sort=False).cumcount())
    m = o.merge(n, on=[*keys, "__n"], how="outer", suffixes=("__old", "__new"), indicator=True)
    added, removed = m[m["_merge"] == "right_only"], m[m["_merge"] == "left_only"]
    both = m[m["_merge"] == "both"]
    d.added, d.removed = len(added), len(removed)
    d.added_keys = [{k: _plain(v) for k, v in zip(keys, r)} for r in added[keys].head(MAX_EXAMPLES).itertuples(index=False)]
    d.removed_keys = [{k: _plain(v) for k, v in zip(keys, r)} for r in removed[keys].head(MAX_EXAMPLES).itertuples(index=False)]
    diff_mask = pd.DataFrame(index=both.index)
    for c in (c for c in common if c not in keys):
        a, b = both[f"{c}__old"], both[f"{c}__new"]
        if a.dtype.kind in "fiu" and b.dtype.kind in "fiu":
            same = np.isclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-9, atol=0.0, equal_nan=True)
        else:
            same = (a.astype(str) == b.astype(str)).to_numpy()
        diff_mask[c] = ~same
    changed = both[diff_mask.any(axis=1)] if len(diff_mask.columns) else both.iloc[0:0]
    d.changed = len(changed)
    for idx, row in changed.head(MAX_EXAMPLES).iterrows():
        cols = [c for c in diff_mask.columns if diff_mask.at[idx, c]]
        d.changes.append(Change({k: _plain(row[k]) for k in keys},
                                {c: (_plain(row[f"{c}__old"]), _plain(row[f"{c}__new"])) for c in cols}))
    return d


def diff_packages(old: str | Path, new: str | Path) -> PackageDiff:
    from sdtm_convert.package.tables import read_dataset

    a, b = _datasets(Path(old)), _datasets(Path(new))
    out = []
    for name in sorted(set(a) & set(b)):
        out.append(diff_frames(name, read_dataset(a[name]), read_dataset(b[name])))
    return PackageDiff(str(old), str(new), out, sorted(set(a) - set(b)), sorted(set(b) - set(a)))


def render_text(d: PackageDiff) -> str:
    lines = [f"old: {d.old}", f"new: {d.new}"]
    for name in d.only_old:
        lines.append(f"{name}: only in old")
    for name in d.only_new:
        lines.append(f"{name}: only in new")
    for ds in d.datasets:
        if ds.identical:
            lines.append(f"{ds.name}: identical ({ds.new_records} records)")
            continue
        lines.append(f"{ds.name}: {ds.added} added, {ds.removed} removed, {ds.changed} changed "
                     f"({ds.old_records} → {ds.new_records} records; keys {', '.join(ds.keys)})"
                     + (f" [{ds.note}]" if ds.note else ""))
        for c in ds.columns_added:
            lines.append(f"  + variable {c}")
        for c in ds.columns_removed:
            lines.append(f"  - variable {c}")
        for k in ds.added_keys:
            lines.append(f"  + {_key_text(k)}")
        for k in ds.removed_keys:
            lines.append(f"  - {_key_text(k)}")
        for ch in ds.changes:
            vals = "; ".join(f"{v}: {o!r} → {n!r}" for v, (o, n) in ch.variables.items())
            lines.append(f"  ~ {_key_text(ch.key)}: {vals}")
    lines.append("identical" if d.identical else "differences found")
    return "\n".join(lines) + "\n"


def _key_text(key: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in key.items() if k != "STUDYID")


def render_json(d: PackageDiff) -> str:
    return json.dumps(d.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"


def render_html(d: PackageDiff) -> str:
    from sdtm_convert.common.html import environment

    env = environment("sdtm_convert.package")
    return env.get_template("diff.html.j2").render(d=d, key_text=_key_text)
