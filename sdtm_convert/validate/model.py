"""The objects a validation works on: one :class:`Dataset` per file/frame, a :class:`Package` of them.

A dataset keeps the frame as read (character columns ``str`` with ``""`` for missing, numeric
``float64``) plus the metadata the transport file carried (labels, lengths, formats, dataset label),
which the technical and metadata rules need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class Dataset:
    name: str  # dataset (member) name, upper case: LBCH, SUPPLBCH, ADSL
    frame: pd.DataFrame
    labels: dict[str, str] = field(default_factory=dict)  # variable -> label
    lengths: dict[str, int] = field(default_factory=dict)  # variable -> storage length (bytes)
    formats: dict[str, str] = field(default_factory=dict)  # variable -> SAS format (e.g. DATE9.)
    label: str | None = None  # dataset label
    file: str | None = None  # file name as found on disk (e.g. lbch.xpt)
    file_size: int | None = None
    member_name: str | None = None  # name recorded inside the transport file
    source: str = "frame"  # "xpt" | "json" | "ndjson" | "frame"
    encoding: str | None = None  # encoding the text was decoded with
    _uniq: dict = field(default_factory=dict, repr=False, compare=False)

    def uniques(self, var: str) -> pd.Series:
        """Distinct values of a column (cached: many rules test the distinct values, not every row)."""
        if var not in self._uniq:
            from sdtm_convert.validate.helpers import distinct, obj

            self._uniq[var] = distinct(obj(self.frame[var]))
        return self._uniq[var]

    def rows_where(self, var: str, test) -> np.ndarray:
        """Boolean mask of rows whose value passes ``test`` (a vectorised test run on distinct values)."""
        u = self.uniques(var)
        hit = np.asarray(test(u), dtype=bool) if len(u) else np.zeros(0, dtype=bool)
        if not hit.any():
            return np.zeros(len(self.frame), dtype=bool)
        return self.frame[var].isin(set(u[hit])).to_numpy()

    def _most_common(self, var: str) -> str:
        """The most frequent non-blank text value of var ('' when there is none; missing values never count)."""
        vals = self.frame[var].dropna().astype(str).str.strip()
        modes = vals[vals != ""].mode(dropna=True)
        return str(modes.iloc[0]) if len(modes) else ""

    @cached_property
    def domain(self) -> str:
        """Domain code: DOMAIN value for SDTM (LBCH → LB), RDOMAIN parent for SUPP--, else the name."""
        name = self.name.upper()
        if name.startswith("SUPP") and "RDOMAIN" in self.frame.columns:
            return "SUPP" + (self._most_common("RDOMAIN") or name[4:6])
        if "DOMAIN" in self.frame.columns:
            dom = self._most_common("DOMAIN")
            if dom and name.startswith(dom):
                return dom
        return name

    @cached_property
    def parent(self) -> str:
        """Parent domain for split datasets and SUPP--: LBCH → LB, SUPPLBCH → LB, AE → AE."""
        dom = self.domain
        return dom[4:] if dom.startswith("SUPP") else dom

    def is_numeric(self, var: str) -> bool:
        kinds = self._uniq.get("__kinds__")
        if kinds is None:
            kinds = self._uniq["__kinds__"] = {c: t.kind in "iufb" for c, t in self.frame.dtypes.items()}
        return bool(kinds[var])


@dataclass
class Package:
    datasets: dict[str, Dataset]  # by upper-case dataset name
    kind: str  # "sdtm" | "adam"
    standard: str  # e.g. "sdtmig-3.2"
    ct_version: str
    define: Any = None  # define_reader.Define | None
    path: str | None = None
    notes: list[str] = field(default_factory=list)

    def by_domain(self, domain: str) -> list[Dataset]:
        """All datasets of one domain (split datasets included), in name order."""
        return [d for n, d in sorted(self.datasets.items()) if d.domain == domain]

    def domain_frame(self, domain: str, columns: list[str] | None = None) -> pd.DataFrame | None:
        """Frames of a (possibly split) domain stacked; ``None`` when absent."""
        parts = self.by_domain(domain)
        if not parts:
            return None
        frames = []
        for d in parts:
            f = d.frame
            if columns is not None:
                f = f[[c for c in columns if c in f.columns]]
            frames.append(f)
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
