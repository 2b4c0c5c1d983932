"""CDISC controlled terminology, looked up by codelist C-code or short name.

Every shipped release comes from one term store (``data/ct/ct-terms.csv.gz``, built by ``scripts/build_ct.py``):
each term row holds for every listed version of its package from ``first_version`` to ``last_version``. A
release's codelists are a filter on those two columns. SDTM CT is joined with the ADaM and Define-XML CT and,
before 2015-12-18 (when QS terms joined SDTM CT), the questionnaire package of the time: the newest release
of each on or before the SDTM release date.

``2025-03-25`` is an alias: the file this project shipped under that name is CDISC's 2025-03-28 release, and
specs that say ``ct_version: 2025-03-25`` keep working (with ADaM and Define-XML CT 2025-09-26, as shipped).

Matching of collected values is case- and space-insensitive against the submission value, the
CDISC synonyms and the NCI preferred term; anything else is *unmatched* and reported by the caller.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

_DATA = resources.files("sdtm_convert") / "data" / "ct"
ALIASES = {"2025-03-25": "2025-03-28"}  # name used by this project → CDISC release date
# ADaM / Define-XML CT that go with an alias (what the project shipped under that name); other releases take
# the newest ADaM / Define-XML CT on or before their own date.
_PINNED = {"2025-03-25": {"ADaM": "2025-09-26", "DEFINE-XML": "2025-09-26"}}
DEFAULT_CT_VERSION = "2025-03-25"
QS_MERGED = "2015-12-18"  # first SDTM CT release holding the questionnaire terms
_COMPANIONS = {"ADaM": ("adamct",), "DEFINE-XML": ("define-xmlct",), "QS": ("qsct", "qs-ftct", "coact", "qrsct")}
TERM_COLUMNS = ["code", "value", "synonyms", "definition", "preferred"]


def _read_versions() -> list[dict[str, str]]:
    text = (_DATA / "ct-versions.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


_VERSION_ROWS = _read_versions()
SDTM_RELEASES = tuple(sorted(r["version"] for r in _VERSION_ROWS if r["package"] == "sdtmct"))
SDTM_CT_VERSIONS = tuple(sorted(SDTM_RELEASES + tuple(ALIASES)))  # every name load_ct accepts


def release_of(version: str) -> str | None:
    """CDISC release date of a shipped SDTM CT version name (alias resolved); ``None`` when not shipped."""
    version = ALIASES.get(version, version)
    return version if version in SDTM_RELEASES else None


def fidelity(release: str, package: str = "sdtmct") -> str:
    """``full``, ``reduced`` or ``decoded`` (see ``data/README.md``) for a shipped release."""
    return next((r["fidelity"] for r in _VERSION_ROWS if r["package"] == package and r["version"] == release), "")


def available() -> str:
    """The shipped SDTM CT versions on one line (for error messages)."""
    return ", ".join(SDTM_RELEASES) + "; " + ", ".join(f"{a} = {r}" for a, r in ALIASES.items())


def not_shipped(version: str) -> str:
    return f"CT version {version!r} is not shipped (have: {available()})"


def _norm(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.upper().str.replace(r"\s+", " ", regex=True)


@dataclass(frozen=True)
class Codelist:
    code: str  # NCI C-code of the codelist, e.g. C66731
    short_name: str  # CDISC submission value of the codelist, e.g. SEX
    name: str  # codelist name, e.g. "Sex"
    extensible: bool
    terms: pd.DataFrame  # columns: code, value, synonyms, definition ("" from the term store), preferred

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


# columns of the table a ControlledTerminology is built from: one row per term, codelist facts repeated
TABLE_COLUMNS = ["codelist_code", "codelist_value", "codelist_name", "extensible", *TERM_COLUMNS, "publishing_set"]


class ControlledTerminology:
    """One SDTM CT release with the ADaM and Define-XML CT that go with it (or the terms of one CT file).

    ``version`` is the name asked for (``2025-03-25`` stays ``2025-03-25``); ``releases`` maps each part
    (``SDTM``, ``ADaM``, ``DEFINE-XML``, ``QS``) to its CDISC release date; ``fidelity`` is the SDTM release's
    (``full``, ``reduced``, ``decoded``, or ``file`` for a CT file)."""

    def __init__(self, version: str, table: pd.DataFrame, releases: dict[str, str] | None = None,
                 fidelity: str = "full", source: str = "store"):
        self.version = version
        self.releases = releases or {"SDTM": version}
        self.fidelity = fidelity
        self.source = source
        heads = table.drop_duplicates("codelist_code")
        self._heads = {c: (v, n, e) for c, v, n, e in zip(heads["codelist_code"], heads["codelist_value"],
                                                           heads["codelist_name"], heads["extensible"])}
        self._short_to_code: dict[str, str] = {}
        for code, short in zip(heads["codelist_code"], heads["codelist_value"]):
            if short:  # (a reduced release misses a few codelists' short names: those resolve by C-code only)
                self._short_to_code.setdefault(short.upper(), code)
        self.publishing_sets = _publishing_sets(table)  # codelist C-code → ADaM / DEFINE-XML (else SDTM)
        self._table = table
        self._rows: dict[str, np.ndarray] | None = None
        self._cache: dict[str, Codelist] = {}

    def __contains__(self, ref: str) -> bool:
        return self.resolve(ref) is not None

    def resolve(self, ref: str) -> str | None:
        """C-code for a codelist given its C-code or short name (e.g. ``SEX`` → ``C66731``)."""
        if ref in self._heads:
            return ref
        return self._short_to_code.get(ref.upper())

    def codelist(self, ref: str) -> Codelist:
        code = self.resolve(ref)
        if code is None:
            raise KeyError(f"codelist {ref!r} is not in CT {self.version}")
        if code not in self._cache:
            if self._rows is None:  # row positions per codelist, built on the first look-up
                codes, uniq = pd.factorize(self._table["codelist_code"])
                order = np.argsort(codes, kind="stable")
                bounds = np.searchsorted(codes[order], np.arange(len(uniq) + 1))
                self._rows = {c: order[bounds[i]:bounds[i + 1]] for i, c in enumerate(uniq)}
            short, name, ext = self._heads[code]
            terms = self._table[TERM_COLUMNS].iloc[self._rows[code]].reset_index(drop=True)
            self._cache[code] = Codelist(code=code, short_name=short, name=name, extensible=ext.lower() == "yes",
                                         terms=terms)
        return self._cache[code]

    def codelists(self) -> list[str]:
        return sorted(self._heads)

    def table(self) -> pd.DataFrame:
        """Every term of this CT (columns :data:`TABLE_COLUMNS`), e.g. to compare two releases."""
        return self._table.copy()


# -- the term store ----------------------------------------------------------------------------------------

_STORE_RENAME = {"codelist_submission_value": "codelist_value", "term_code": "code", "submission_value": "value",
                 "nci_preferred_term": "preferred"}


@cache
def _store() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The term store (object columns) and first/last version as ordinals within each package's version list."""
    with (_DATA / "ct-terms.csv.gz").open("rb") as fh:
        df = pd.read_csv(fh, dtype=object, keep_default_na=False, compression="gzip", engine="c")
    df = df.rename(columns=_STORE_RENAME)
    rank = {f"{p}\t{v}": i for i, (p, v) in enumerate(sorted((r["package"], r["version"]) for r in _VERSION_ROWS))}
    first = (df["package"] + "\t" + df["first_version"]).map(rank).to_numpy(dtype=np.int32)
    last = (df["package"] + "\t" + df["last_version"]).map(rank).to_numpy(dtype=np.int32)
    return df, first, last


def _release_rank(package: str, version: str) -> int:
    rows = sorted((r["package"], r["version"]) for r in _VERSION_ROWS)
    return rows.index((package, version))


def _newest_on_or_before(packages: tuple[str, ...], date: str) -> tuple[str, str] | None:
    cands = [(r["version"], r["package"]) for r in _VERSION_ROWS if r["package"] in packages and r["version"] <= date]
    if not cands:
        return None
    version, package = max(cands)
    return package, version


def _parts(version: str, release: str) -> dict[str, tuple[str, str]]:
    """Part name → (store package, release) for one SDTM CT release."""
    parts = {"SDTM": ("sdtmct", release)}
    pinned = _PINNED.get(version, {})
    for part, packages in _COMPANIONS.items():
        if part == "QS" and release >= QS_MERGED:
            continue
        if part in pinned:
            parts[part] = (packages[0], pinned[part])
            continue
        hit = _newest_on_or_before(packages, release)
        if hit:
            parts[part] = hit
    return parts


def _select(package: str, release: str) -> pd.DataFrame:
    df, first, last = _store()
    k = _release_rank(package, release)
    keep = (first <= k) & (last >= k) & (df["package"].to_numpy() == package)
    return df.loc[keep]


@cache
def load_ct(version: str = DEFAULT_CT_VERSION) -> ControlledTerminology:
    """Load SDTM CT ``version`` (a release date or an alias) merged with the ADaM and Define-XML CT of its time.

    Raises ``KeyError`` naming the shipped versions when ``version`` is not one of them."""
    release = release_of(version)
    if release is None:
        raise KeyError(not_shipped(version))
    parts = _parts(version, release)
    frames = []
    for part, (package, rel) in parts.items():  # SDTM first: its term wins when a codelist is in two parts
        sel = _select(package, rel)
        frames.append(sel.assign(publishing_set="SDTM" if part == "QS" else part))
    table = pd.concat(frames, ignore_index=True)
    sets = _publishing_sets(table)
    table = table.drop_duplicates(subset=["codelist_code", "code", "value"], keep="first")
    table = table.assign(definition="")[TABLE_COLUMNS].reset_index(drop=True)
    ct = ControlledTerminology(version, table, {p: r for p, (_, r) in parts.items()}, fidelity(release), "store")
    ct.publishing_sets = sets
    return ct


def _publishing_sets(table: pd.DataFrame) -> dict[str, str]:
    """Codelist C-code → ``ADaM`` / ``DEFINE-XML`` for codelists of those sets (a codelist in both: the latter)."""
    out: dict[str, str] = {}
    for part in ("ADaM", "DEFINE-XML"):
        out.update(dict.fromkeys(table.loc[table["publishing_set"] == part, "codelist_code"], part))
    return out


def table_from_evs(raw: pd.DataFrame, publishing_set: str = "SDTM") -> pd.DataFrame:
    """The NCI EVS layout (Code, Codelist Code, Codelist Extensible, Codelist Name, CDISC Submission Value,
    CDISC Synonym(s), CDISC Definition, NCI Preferred Term; codelist rows have no Codelist Code) as a
    :data:`TABLE_COLUMNS` table."""
    df = raw.iloc[:, :8].astype(object).where(raw.iloc[:, :8].notna(), "").astype(str)
    df.columns = ["code", "codelist_code", "extensible", "codelist_name", "value", "synonyms", "definition",
                  "preferred"]
    df = df.apply(lambda s: s.str.strip())
    heads = df[df["codelist_code"] == ""].drop_duplicates("code")
    terms = df[df["codelist_code"] != ""].drop(columns=["extensible"])
    terms = terms.merge(heads[["code", "value", "extensible"]].rename(
        columns={"code": "codelist_code", "value": "codelist_value"}), on="codelist_code", how="inner")
    terms = terms.drop_duplicates(subset=["codelist_code", "code", "value"], keep="first")
    return terms.assign(publishing_set=publishing_set)[TABLE_COLUMNS].reset_index(drop=True)


def matches_by_release(items: pd.DataFrame) -> dict[str, int]:
    """For every shipped SDTM release (with its ADaM / Define-XML / QS CT), how many of ``items`` (columns
    ``codelist_code``, ``value``, ``code``; ``code`` may be "") are its terms: same codelist, same submission
    value, and the same term C-code where both have one."""
    df, first, last = _store()
    items = items[["codelist_code", "value", "code"]].drop_duplicates().reset_index(drop=True)
    items = items.assign(item=np.arange(len(items)))
    cand = df[["package", "codelist_code", "value", "code"]].assign(first=first, last=last)
    m = items.merge(cand, on=["codelist_code", "value"], suffixes=("", "_ct"))
    m = m[(m["code"] == "") | (m["code_ct"] == "") | (m["code"] == m["code_ct"])]
    pkg, lo, hi, item = (m["package"].to_numpy(), m["first"].to_numpy(), m["last"].to_numpy(), m["item"].to_numpy())
    out = {}
    for rel in SDTM_RELEASES:
        hit = np.zeros(len(m), dtype=bool)
        for package, r in _parts(rel, rel).values():
            k = _release_rank(package, r)
            hit |= (pkg == package) & (lo <= k) & (hi >= k)
        out[rel] = len(np.unique(item[hit]))
    return out
