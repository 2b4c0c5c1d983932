"""CDISC controlled terminology (NCI EVS release files), looked up by codelist C-code or short name.

Matching of collected values is case- and space-insensitive against the submission value, the
CDISC synonyms and the NCI preferred term; anything else is *unmatched* and reported by the caller.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

_DATA = resources.files("sdtm_convert") / "data" / "ct"
SDTM_CT_VERSIONS = ("2025-03-25",)
DEFAULT_CT_VERSION = "2025-03-25"


def _norm(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.upper().str.replace(r"\s+", " ", regex=True)


@dataclass(frozen=True)
class Codelist:
    code: str  # NCI C-code of the codelist, e.g. C66731
    short_name: str  # CDISC submission value of the codelist, e.g. SEX
    name: str  # codelist name, e.g. "Sex"
    extensible: bool
    terms: pd.DataFrame  # columns: code, value, synonyms, definition, preferred

    @property
    def values(self) -> frozenset[str]:
        return frozenset(self.terms["value"])

    @property
    def _lookup(self) -> dict[str, str]:
        # built lazily and cached on the instance (frozen dataclass → object.__setattr__)
        cached = self.__dict__.get("_lookup_cache")
        if cached is not None:
            return cached
        table: dict[str, str] = {}
        # priority: submission value > synonym > preferred term (first writer wins)
        for col in ("value", "synonyms", "preferred"):
            for value, cell in zip(self.terms["value"], self.terms[col]):
                keys = [cell] if col != "synonyms" else [p for p in cell.split(";")]
                for k in keys:
                    k = re.sub(r"\s+", " ", k.strip().upper())
                    if k and k not in table:
                        table[k] = value
        object.__setattr__(self, "_lookup_cache", table)
        return table

    def code_of(self, value: str) -> str | None:
        hit = self.terms.loc[self.terms["value"] == value, "code"]
        return None if hit.empty else str(hit.iloc[0])

    def map_values(self, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Map collected values to submission values.

        Returns ``(mapped, unmatched)``: ``mapped`` holds the submission value or <NA>;
        ``unmatched`` is a boolean mask of non-empty inputs that matched no term.
        """
        codes, uniq = pd.factorize(raw, use_na_sentinel=True)  # once per distinct collected value
        key = _norm(pd.Series(list(uniq) + [None], dtype=object))
        mapped = key.map(self._lookup).astype("string")
        unmatched = (key.notna() & (key != "") & mapped.isna()).fillna(False).astype(bool)
        pick = np.where(codes < 0, len(uniq), codes)
        return (pd.Series(mapped.array.take(pick), index=raw.index),
                pd.Series(unmatched.to_numpy()[pick], index=raw.index))


class ControlledTerminology:
    """One SDTM CT release (plus the ADaM and Define-XML CT shipped with the package)."""

    def __init__(self, version: str, table: pd.DataFrame):
        self.version = version
        self._table = table
        heads = table[table["codelist_code"] == ""]
        self._by_code = dict(zip(heads["code"], heads.index))
        self._short_to_code: dict[str, str] = {}
        for code, short in zip(heads["code"], heads["value"]):
            self._short_to_code.setdefault(short.upper(), code)
        self._terms = {k: g for k, g in table[table["codelist_code"] != ""].groupby("codelist_code")}
        self._cache: dict[str, Codelist] = {}

    def __contains__(self, ref: str) -> bool:
        return self.resolve(ref) is not None

    def resolve(self, ref: str) -> str | None:
        """C-code for a codelist given its C-code or short name (e.g. ``SEX`` → ``C66731``)."""
        if ref in self._by_code:
            return ref
        return self._short_to_code.get(ref.upper())

    def codelist(self, ref: str) -> Codelist:
        code = self.resolve(ref)
        if code is None:
            raise KeyError(f"codelist {ref!r} is not in CT {self.version}")
        if code not in self._cache:
            head = self._table.loc[self._by_code[code]]
            terms = self._terms.get(code, self._table.iloc[0:0])
            self._cache[code] = Codelist(
                code=code,
                short_name=head["value"],
                name=head["codelist_name"],
                extensible=head["extensible"].lower() == "yes",
                terms=terms[["code", "value", "synonyms", "definition", "preferred"]].reset_index(drop=True),
            )
        return self._cache[code]

    def codelists(self) -> list[str]:
        return sorted(self._by_code)


_COLS = ["code", "codelist_code", "extensible", "codelist_name", "value", "synonyms", "definition", "preferred"]


def _read_sdtm(version: str) -> pd.DataFrame:
    with (_DATA / f"sdtm-terminology-{version}.txt.gz").open("rb") as fh:
        with gzip.open(fh, "rt", encoding="utf-8") as txt:
            df = pd.read_csv(txt, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    df = df.iloc[:, :8]
    df.columns = _COLS
    return df


def _read_csv_ct(name: str) -> pd.DataFrame:
    with (_DATA / name).open("rb") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    df = df.iloc[:, :8]
    df.columns = _COLS
    return df


@cache
def load_ct(version: str = DEFAULT_CT_VERSION) -> ControlledTerminology:
    """Load SDTM CT ``version`` merged with the shipped ADaM and Define-XML CT."""
    if version not in SDTM_CT_VERSIONS:
        raise KeyError(f"CT version {version!r} is not shipped (have: {', '.join(SDTM_CT_VERSIONS)})")
    parts = [_read_sdtm(version), _read_csv_ct("adam-terminology-2025-09-26.csv"),
             _read_csv_ct("define-xml-terminology-2025-09-26.csv")]
    table = pd.concat(parts, ignore_index=True)
    table = table.drop_duplicates(subset=["code", "codelist_code"], keep="first").reset_index(drop=True)
    for c in _COLS:
        table[c] = table[c].astype(object).where(table[c].notna(), "").astype(str).str.strip()

    return ControlledTerminology(version, table)
