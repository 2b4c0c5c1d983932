"""The objects a validation works on: one :class:`Dataset` per file/frame, a :class:`Package` of them.

A dataset keeps the frame as read (character columns ``str`` with ``""`` for missing, numeric
``float64``) plus the metadata the transport file carried (labels, lengths, formats, dataset label),
which the technical and metadata rules need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.metadata import dataset_domain  # noqa: F401  (validate imports it from here)


@dataclass
class Dataset:
    """One dataset. With a ``loader`` (frames given directly) the frame is built when first used and
    :meth:`release` drops it again, so a validation can hold one large dataset at a time; ``columns``,
    ``records``, ``domain`` and :meth:`is_numeric` are known without it."""

    name: str  # dataset (member) name, upper case: LBCH, SUPPLBCH, ADSL
    frame: pd.DataFrame = None  # type: ignore[assignment]  # (absent until loaded when there is a loader)
    labels: dict[str, str] = field(default_factory=dict)  # variable -> label
    lengths: dict[str, int] = field(default_factory=dict)  # variable -> storage length (bytes)
    formats: dict[str, str] = field(default_factory=dict)  # variable -> SAS format (e.g. DATE9.)
    label: str | None = None  # dataset label
    file: str | None = None  # file name as found on disk (e.g. lbch.xpt)
    file_size: int | None = None
    member_name: str | None = None  # name recorded inside the transport file
    source: str = "frame"  # "xpt" | "json" | "ndjson" | "dsjc" | "frame"
    encoding: str | None = None  # encoding the text was decoded with
    declared_records: Any = None  # the record count a Dataset-JSON file states about itself (None: not stated)
    klass: str = ""  # the class its metadata declares (define.xml def:Class: BASIC DATA STRUCTURE ...); "" unknown
    subclass: str = ""  # the subclass its metadata declares (define.xml def:SubClass: TIME-TO-EVENT ...)
    _uniq: dict = field(default_factory=dict, repr=False, compare=False)
    loader: Callable[[], pd.DataFrame] | None = field(default=None, repr=False, compare=False)
    views: Views | None = field(default=None, repr=False, compare=False)  # the budget loaded frames share

    def __post_init__(self) -> None:
        if self.loader is not None and self.frame is None:
            del self.__dict__["frame"]  # built on first use (__getattr__)

    def __getattr__(self, name: str) -> Any:  # only when ordinary lookup fails: the frame is not loaded
        loader = self.__dict__.get("loader")
        if name != "frame" or loader is None:
            raise AttributeError(name)
        views = self.__dict__.get("views")
        if views is not None:
            views.make_room(self)
        frame = self.__dict__["frame"] = loader()
        return frame

    @property
    def view_bytes(self) -> int:
        """Size of the validation view (one 8-byte pointer or float per cell)."""
        return 8 * self.records * max(1, len(self.columns))

    def release(self) -> None:
        """Drop a loaded frame that can be loaded again, and the caches built from it (column kinds stay)."""
        if self.loader is None or "frame" not in self.__dict__:
            return
        del self.__dict__["frame"]
        kinds = self._uniq.get("__kinds__")
        self._uniq.clear()
        if kinds is not None:
            self._uniq["__kinds__"] = kinds

    def keep_shape(self) -> None:
        """Work out now, from the loaded frame, what stays known after :meth:`release`: columns, records,
        domain and which columns are numeric."""
        if "columns" not in self.__dict__:
            self.__dict__["columns"] = self.frame.columns
        if "records" not in self.__dict__:
            self.__dict__["records"] = len(self.frame)
        _ = self.domain
        if "__kinds__" not in self._uniq:
            self._uniq["__kinds__"] = {c: t.kind in "iufb" for c, t in self.frame.dtypes.items()}

    @cached_property
    def columns(self) -> pd.Index:
        return self.frame.columns

    @cached_property
    def records(self) -> int:
        return len(self.frame)

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

    @cached_property
    def domain(self) -> str:
        """Domain code: DOMAIN value for SDTM (LBCH → LB), RDOMAIN parent for SUPP--, else the name."""
        return dataset_domain(self.name, self.frame)

    @cached_property
    def parent(self) -> str:
        """Parent domain for split datasets and SUPP--: LBCH → LB, SUPPLBCH → LB, AE → AE."""
        dom = self.domain
        return dom[4:] if dom.startswith("SUPP") else dom

    def is_numeric(self, var: str) -> bool:
        if "__kinds__" not in self._uniq:
            self.keep_shape()
        return bool(self._uniq["__kinds__"][var])


# the frame is an instance attribute only: a dataset with a loader and no frame reaches __getattr__
del Dataset.frame


class Views:
    """The loaded views of datasets that can be loaded again, kept within ``budget`` bytes: loading one
    releases the earliest loaded others until it fits (one dataset is always allowed, however large).
    Releasing is always safe (a released dataset is loaded again when read), it only costs time."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._loaded: dict[int, Dataset] = {}  # in load order

    def make_room(self, ds: Dataset) -> None:
        self._loaded = {k: d for k, d in self._loaded.items() if "frame" in d.__dict__}
        need = ds.view_bytes
        for key, other in list(self._loaded.items()):
            if need + sum(d.view_bytes for d in self._loaded.values()) <= self.budget:
                break
            other.release()
            del self._loaded[key]
        self._loaded[id(ds)] = ds


@dataclass
class Package:
    datasets: dict[str, Dataset]  # by upper-case dataset name
    kind: str  # "sdtm" | "adam"
    standard: str  # e.g. "sdtmig-3.2"
    ct_version: str
    define: Any = None  # package.define.read.Define | None
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
