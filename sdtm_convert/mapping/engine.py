"""Execute a domain's mapping spec over raw frames: join, filter, transpose, assign variables.

Every raw row is accounted for: it produced records of this domain (``mapped``), or it was excluded
by the source's ``where`` filter / produced no record (``rejected`` with the reason). The accounting
is returned as a frame ``[file, row, domain, status, reason]`` that the pipeline reconciles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sdtm_convert.errors import WARNING, Issue
from sdtm_convert.io.raw import PROVENANCE, SRC_FILE, SRC_ROW, RawDataset
from sdtm_convert.mapping.algorithms import ALGORITHMS, SRC_COLUMN, TRANSPOSED_FROM, Env, row_issues
from sdtm_convert.spec import conditions
from sdtm_convert.spec.model import DomainSpec
from sdtm_convert.standards.ct import ControlledTerminology

_TEXT = pd.Series([""]).astype(str).dtype  # the default text dtype (Arrow-backed ``str`` with pandas 3)
ACCOUNT_COLUMNS = ["file", "row", "domain", "status", "reason"]
MAPPED = "mapped"
REJECTED = "rejected"


@dataclass
class MappedDomain:
    domain: str
    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    accounting: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ACCOUNT_COLUMNS))
    origins: dict[str, dict[str, Any]] = field(default_factory=dict)  # target → spec row (for define.xml)


def resolve_name(name: str, domain: str) -> str:
    """``--ORRES`` → ``QSORRES`` for the domain being mapped."""
    return domain + name[2:] if name.startswith("--") else name


def _account(frame: pd.DataFrame, domain: str, status: str, reason: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"file": frame[SRC_FILE].to_numpy(), "row": frame[SRC_ROW].to_numpy(), "domain": domain,
         "status": status, "reason": reason}
    )


def as_text(s: pd.Series) -> pd.Series:
    """``s.astype("string").fillna("").astype(str)`` without the round trip when ``s`` is already ``str`` with no missing."""
    if s.dtype == _TEXT and not s.hasnans:
        return s
    return s.astype("string").fillna("").astype(str)


def _pairs(files: pd.Series, rows: pd.Series) -> pd.MultiIndex:
    """(source file, source row) keys, rows as integers, for vectorised membership tests."""
    return pd.MultiIndex.from_arrays([files.to_numpy(dtype=object), rows.to_numpy().astype("int64")])


def _join(base: pd.DataFrame, src: dict[str, Any], raw: dict[str, RawDataset], env: Env) -> tuple[pd.DataFrame, list[pd.DataFrame], list[Issue]]:
    accounts, issues = [], []
    for j in src.get("join", []):
        right = raw[j["raw"]].frame
        keys, right = join_keys(j["by"], right)  # rows left out by a constant key are not this join's business
        r = right.rename(columns={SRC_FILE: "__join_file", SRC_ROW: "__join_row"})
        extra = [c for c in r.columns if c not in base.columns or c in keys]
        merged = base.merge(r[extra], on=keys, how="left", indicator="__merge")
        if merged.duplicated(subset=[SRC_FILE, SRC_ROW]).any():
            dup = merged[merged.duplicated(subset=[SRC_FILE, SRC_ROW], keep="first")]
            issues += row_issues(dup, pd.Series(True, index=dup.index), "join-duplicate-match", WARNING,
                                 f"more than one {j['raw']} record matches on {'+'.join(keys)}; first used",
                                 column=keys[0], env=env, variable="")
            merged = merged.drop_duplicates(subset=[SRC_FILE, SRC_ROW], keep="first")
        hit = merged["__join_file"].notna() & merged["__join_row"].notna()
        matched_right = _pairs(merged.loc[hit, "__join_file"], merged.loc[hit, "__join_row"])
        is_used = pd.Series(_pairs(right[SRC_FILE], right[SRC_ROW]).isin(matched_right), index=right.index)
        unmatched = right[~is_used]
        issues += row_issues(unmatched, pd.Series(True, index=unmatched.index), "join-unmatched", WARNING,
                             f"record has no matching {src['raw']} record on {'+'.join(keys)}; not used",
                             column=keys[0], env=env, variable="")
        accounts.append(_account(right[is_used], env.domain, MAPPED, f"joined to {src['raw']}"))
        accounts.append(_account(unmatched, env.domain, REJECTED, f"no matching {src['raw']} record"))
        no_match = merged["__merge"] == "left_only"
        issues += row_issues(merged, no_match, "join-missing", WARNING,
                             f"no matching {j['raw']} record on {'+'.join(keys)}",
                             column=keys[0], env=env, variable="")
        base = merged.drop(columns=["__merge", "__join_file", "__join_row"])
        for c in base.columns:
            if c not in PROVENANCE:
                base[c] = as_text(base[c])
    return base, accounts, issues


def join_keys(by: list[Any], right: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """The key names of a join on the left side and the right frame ready to merge on them: ``NAME`` (same
    name on both sides), ``{left: A, right: B}`` (B renamed A), ``{right: B, value: V}`` (a constant key: only
    right rows whose B is V, compared trimmed and case-insensitive)."""
    keys, rename = [], {}
    for k in by:
        if isinstance(k, str):
            keys.append(k)
        elif "left" in k:
            keys.append(k["left"])
            rename[k["right"]] = k["left"]
        else:
            text = right[k["right"]].astype("string").fillna("").str.strip().str.upper()
            right = right[text == str(k["value"]).strip().upper()]
    if rename:
        right = right.drop(columns=[c for c in rename.values() if c in right.columns and c not in rename])
        right = right.rename(columns=rename)
    return keys, right


def _transpose(frame: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    cols = spec["columns"]
    parts = []
    for order, tc in enumerate(cols):
        part = frame.copy(deep=False)
        part["__item"] = tc["column"]
        part["__value"] = frame[tc["column"]].astype("string").fillna("").str.strip().astype(str)
        part["__order"] = order
        for k, v in tc.get("set", {}).items():
            part[k] = v
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)
    if not spec.get("keep_empty", False):
        long = long[long["__value"] != ""]
    long = long.sort_values([SRC_FILE, SRC_ROW, "__order"], kind="stable").reset_index(drop=True)
    return long.drop(columns="__order")


class Targets(dict[str, pd.Series]):
    """The targets assigned so far, by resolved name; a reference ``--STRESN`` reads ``QSSTRESN``."""

    def __init__(self, domain: str):
        super().__init__()
        self.domain = domain

    def __getitem__(self, name: str) -> pd.Series:
        return super().__getitem__(resolve_name(name, self.domain))

    def __contains__(self, name: object) -> bool:
        return super().__contains__(resolve_name(name, self.domain) if isinstance(name, str) else name)


def spec_defaults(data: dict[str, Any], params: Any) -> dict[str, Any]:
    """The domain spec's ``dates:`` block (``format``, ``unknown``) as defaults of the variables whose
    algorithm takes those parameters."""
    return {k: v for k, v in data.get("dates", {}).items() if k in params}


def map_source(ds: DomainSpec, src: dict[str, Any], raw: dict[str, RawDataset], ct: ControlledTerminology) -> MappedDomain:
    dataset = raw[src["raw"]]
    env = Env(ct=ct, domain=ds.domain, subject_column=dataset.subject, raw=raw)
    base = dataset.frame
    accounts: list[pd.DataFrame] = []
    issues: list[Issue] = []
    base, join_accounts, join_issues = _join(base, src, raw, env)
    accounts += join_accounts
    issues += join_issues
    if "where" in src:
        keep = conditions.evaluate(src["where"], base)
        reason = src.get("excluded_reason", "excluded by the source filter of " + ds.domain)
        accounts.append(_account(base[~keep], ds.domain, REJECTED, reason))
        base = base[keep].reset_index(drop=True)
    frame = _transpose(base, src["transpose"]) if "transpose" in src else base
    out: dict[str, pd.Series] = Targets(ds.domain)
    origins: dict[str, dict[str, Any]] = {}
    for var in src["variables"]:
        target = resolve_name(var["target"], ds.domain)
        algo = ALGORITHMS[var["algorithm"]]
        var = {**spec_defaults(ds.data, algo.params), **var, "target": target, "__raw": src["raw"]}
        env.targets = out
        series, var_issues = algo(frame, var, env)
        out[target] = series.reindex(frame.index)
        origins[target] = origin_row(var, src)
        issues += var_issues
        if "map_from" in var:  # a codebook is reference data: every row of it is read for this variable
            book = raw[var["map_from"]["raw"]].frame
            accounts.append(_account(book, ds.domain, MAPPED, f"codebook of {target}"))
    result = pd.DataFrame(out, index=frame.index)
    for c in PROVENANCE:
        result[c] = frame[c].to_numpy()
    if TRANSPOSED_FROM in frame.columns:
        result[SRC_COLUMN] = frame[TRANSPOSED_FROM].to_numpy()
    produced = _pairs(result[SRC_FILE], result[SRC_ROW])
    used = pd.Series(_pairs(base[SRC_FILE], base[SRC_ROW]).isin(produced), index=base.index)
    accounts.append(_account(base[used], ds.domain, MAPPED, ""))
    accounts.append(_account(base[~used], ds.domain, REJECTED, "no values to map (all transposed cells empty)"))
    accounting = pd.concat(accounts, ignore_index=True) if accounts else pd.DataFrame(columns=ACCOUNT_COLUMNS)
    return MappedDomain(ds.domain, result.reset_index(drop=True), issues, accounting, origins)


def origin_row(var: dict[str, Any], src: dict[str, Any]) -> dict[str, Any]:
    """A variable's spec row as define.xml's origin reads it: for a transposed source, with the raw columns it
    transposes (define.xml names those, not the working column ``__value``)."""
    return var | ({"__transposed": [c["column"] for c in src["transpose"]["columns"]]} if "transpose" in src else {})


def merge_origins(per_source: Iterable[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """A domain's origin rows from its sources' (target → row): the first source's row, with every source's
    transposed columns, once each."""
    origins: dict[str, dict[str, Any]] = {}
    for rows in per_source:
        for k, v in rows.items():
            first = origins.setdefault(k, v)
            if first is not v and v.get("__transposed"):
                more = [c for c in v["__transposed"] if c not in first.get("__transposed", [])]
                origins[k] = first | {"__transposed": [*first.get("__transposed", []), *more]}
    return origins


def map_domain(ds: DomainSpec, raw: dict[str, RawDataset], ct: ControlledTerminology) -> MappedDomain:
    """Map every source block of a domain spec and stack the records."""
    parts = [map_source(ds, src, raw, ct) for src in ds.sources]
    frames = [p.frame for p in parts]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for c in frame.columns:
        if frame[c].dtype == object or str(frame[c].dtype) in ("str", "string"):
            frame[c] = as_text(frame[c]) if c not in PROVENANCE else frame[c]
    origins = merge_origins(p.origins for p in parts)
    return MappedDomain(
        ds.domain,
        frame,
        [i for p in parts for i in p.issues],
        pd.concat([p.accounting for p in parts], ignore_index=True),
        origins,
    )
