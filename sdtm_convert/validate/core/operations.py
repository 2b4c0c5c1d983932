"""The ``Operations`` of the CORE rule language: values worked out before the check (``$max_ex_exstdtc``).

Each operation returns a :class:`Result`: one value for the whole dataset (``scalar``), a column aligned with
the records (``column``) or values per group (``grouped``, for membership tests). An operation not in
:data:`OPERATIONS` makes the rule *not run*.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.validate.core import library
from sdtm_convert.validate.core.operators import GroupedValues, MissingVariable, NotRunnable, regex_key, text
from sdtm_convert.validate.model import Dataset


@dataclass(frozen=True)
class Env:
    """What an operation may read: the dataset checked (``ds``, its ``domain`` prefix), the working frame, and
    every dataset of the package by name."""

    ds: Dataset
    domain: str
    df: pd.DataFrame
    datasets: Mapping[str, Dataset]
    cache: dict[Any, Any] = field(default_factory=dict)  # per rule: tables of other datasets worked out once
    version: str = ""  # the standard's version the rule runs for (library operations read its metadata)
    scalars: Mapping[str, Any] = field(default_factory=dict)  # earlier operations' one-value results
    standard: str = "SDTMIG"
    study: Mapping[str, Any] = field(default_factory=dict)  # the package's define (read) and CT version


@dataclass(frozen=True)
class Result:
    scalar: Any = None
    column: pd.Series | None = None
    grouped: GroupedValues | None = None


Operation = Callable[[Env, dict[str, Any]], Result]
OPERATIONS: dict[str, Operation] = {}


def operation(name: str) -> Callable[[Operation], Operation]:
    def add(fn: Operation) -> Operation:
        OPERATIONS[name] = fn
        return fn

    return add


def resolve(name: str, domain: str) -> str:
    """``--SEQ`` in AE is ``AESEQ``."""
    return domain + name[2:] if isinstance(name, str) and name.startswith("--") else name


def _source(env: Env, spec: dict[str, Any]) -> pd.DataFrame:
    """The frame an operation reads: its ``domain`` (all datasets of that domain stacked) or the checked one,
    filtered by ``filter``."""
    dom = spec.get("domain")
    if dom and str(dom).upper() != env.domain:
        parts = [d.frame for d in env.datasets.values() if d.domain == str(dom).upper()]
        if not parts:
            raise MissingVariable(f"dataset {dom}")
        df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    else:
        df = env.df
        name = resolve(str(spec.get("name", "")), env.domain)
        if name and name not in df.columns and name in env.ds.columns:  # a metadata check's frame: the records
            df = env.ds.frame
    for col, want in (spec.get("filter") or {}).items():
        col = resolve(col, env.domain)
        if col not in df.columns:
            raise MissingVariable(col)
        df = df[text(df[col]) == str(want)]
    return df


def _group(spec: dict[str, Any], env: Env) -> list[str]:
    """The grouping columns; a name of an earlier operation's list of variables stands for those of them the
    dataset holds (``$TIMING_VARIABLES``)."""
    g = spec.get("group") or spec.get("group_by") or []
    out: list[str] = []
    for c in [g] if isinstance(g, str) else g:
        held = env.scalars.get(c)
        if isinstance(held, (list, tuple)):
            out += [v for v in held if v in env.df.columns]
        else:
            out.append(resolve(c, env.domain))
    return list(dict.fromkeys(out))


def _table(env: Env, spec: dict[str, Any], reduce: Callable[[pd.DataFrame, list[str]], pd.DataFrame]) -> pd.DataFrame:
    """The per-group table of an operation (group columns as text, and ``_r``), worked out once per rule for
    a source dataset other than the checked one."""
    name = resolve(spec.get("name", ""), env.domain)
    groups = _group(spec, env)
    key = (repr(sorted(spec.items(), key=str)), env.ds.name if not spec.get("domain") else "", name)
    if key in env.cache:
        return env.cache[key]
    src = _source(env, spec)
    for c in [name, *groups]:
        if c not in src.columns:
            raise MissingVariable(c)
    keyed = pd.DataFrame({c: text(src[c]).to_numpy() for c in groups})
    keyed["_v"] = src[name].to_numpy()
    env.cache[key] = table = reduce(keyed, groups)
    return table


def _spread(env: Env, spec: dict[str, Any], table: pd.DataFrame) -> Result:
    groups = _group(spec, env)
    if not groups:
        return Result(scalar=table["_r"].iloc[0] if len(table) else np.nan)
    for c in groups:
        if c not in env.df.columns:
            raise MissingVariable(c)
    left = pd.DataFrame({c: text(env.df[c]).to_numpy() for c in groups})
    out = left.merge(table, on=groups, how="left")["_r"]
    return Result(column=pd.Series(out.to_numpy(), index=env.df.index))


def _extreme_date(largest: bool) -> Callable[[pd.DataFrame, list[str]], pd.DataFrame]:
    """Per group, the latest (earliest) valid ISO 8601 value, compared by its known leading part."""
    def reduce(keyed: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
        t = text(keyed["_v"])
        ok = iso8601.is_valid(t).to_numpy(dtype=bool)
        k = keyed.loc[ok].assign(_v=t[ok].to_numpy(), _key=iso8601.sort_key(t[ok]).to_numpy())
        k = k.sort_values("_key", kind="stable")
        if not groups:
            pick = k.tail(1) if largest else k.head(1)
            return pd.DataFrame({"_r": pick["_v"].to_numpy()})
        pick = k.drop_duplicates(subset=groups, keep="last" if largest else "first")
        return pick[[*groups, "_v"]].rename(columns={"_v": "_r"}).reset_index(drop=True)

    return reduce


@operation("max_date")
def max_date(env: Env, spec: dict[str, Any]) -> Result:
    return _spread(env, spec, _table(env, spec, _extreme_date(True)))


@operation("min_date")
def min_date(env: Env, spec: dict[str, Any]) -> Result:
    return _spread(env, spec, _table(env, spec, _extreme_date(False)))


def _referenced_variables(env: Env) -> Result:
    """The variables of the dataset each record's RDOMAIN names (``distinct`` of IDVAR with
    ``value_is_reference``: IDVAR must name one of them), per RDOMAIN."""
    rows = [(d.domain, str(c)) for d in env.datasets.values() for c in d.columns]
    table = pd.DataFrame(rows, columns=["RDOMAIN", "value"]).drop_duplicates()
    return Result(grouped=GroupedValues(("RDOMAIN",), table))


@operation("distinct")
def distinct(env: Env, spec: dict[str, Any]) -> Result:
    if spec.get("value_is_reference"):
        if spec.get("name") != "IDVAR":
            raise NotRunnable(f"distinct with value_is_reference of {spec.get('name')!r}")
        return _referenced_variables(env)
    src = _source(env, spec)
    name = resolve(spec.get("name", ""), env.domain)
    if name not in src.columns:
        raise MissingVariable(name)
    groups = _group(spec, env)
    if not groups:
        vals = text(src[name])
        return Result(scalar=frozenset(vals[vals != ""]))
    table = pd.DataFrame({c: text(src[c]).to_numpy() for c in groups})
    table["value"] = text(src[name]).to_numpy()
    return Result(grouped=GroupedValues(tuple(groups), table[table["value"] != ""].drop_duplicates()))


@operation("record_count")
def record_count(env: Env, spec: dict[str, Any]) -> Result:
    src = _source(env, spec)
    groups = _group(spec, env)
    if not groups:
        return Result(scalar=float(len(src)))
    for c in groups:
        if c not in src.columns or c not in env.df.columns:
            raise MissingVariable(c)
    rx = spec.get("regex")
    keyed = pd.DataFrame({c: regex_key(src[c], rx).to_numpy() for c in groups})
    per = keyed.groupby(groups, sort=False).size().rename("_r").reset_index()
    left = pd.DataFrame({c: regex_key(env.df[c], rx).to_numpy() for c in groups})
    out = left.merge(per, on=groups, how="left")["_r"].fillna(0).astype("float64")
    return Result(column=pd.Series(out.to_numpy(), index=env.df.index))


@operation("variable_exists")
def variable_exists(env: Env, spec: dict[str, Any]) -> Result:
    name = spec.get("name", "")
    if resolve(name, env.domain) in env.df.columns:
        return Result(scalar=True)
    return Result(scalar=any(resolve(name, d.domain) in d.columns for d in env.datasets.values()))


@operation("variable_count")
def variable_count(env: Env, spec: dict[str, Any]) -> Result:
    """In how many datasets of the package the variable occurs (``--`` resolved per dataset)."""
    name = spec.get("name", "")
    n = sum(1 for d in env.datasets.values() if resolve(name, d.domain) in d.columns)
    return Result(scalar=float(n))


@operation("study_domains")
def study_domains(env: Env, spec: dict[str, Any]) -> Result:
    return Result(scalar=frozenset(d.domain for d in env.datasets.values()))


@operation("dataset_names")
def dataset_names(env: Env, spec: dict[str, Any]) -> Result:
    return Result(scalar=frozenset(env.datasets))


@operation("domain_label")
def domain_label(env: Env, spec: dict[str, Any]) -> Result:
    return Result(scalar=env.ds.label or "")


@operation("dy")
def dy(env: Env, spec: dict[str, Any]) -> Result:
    """Study day of ``name`` against DM.RFSTDTC (no day 0), NaN unless both are complete dates."""
    name = resolve(spec.get("name", ""), env.domain)
    if name not in env.df.columns:
        raise MissingVariable(name)
    if "RFSTDTC" in env.df.columns:
        ref = text(env.df["RFSTDTC"])
    else:
        dm = env.datasets.get("DM")
        if dm is None or "RFSTDTC" not in dm.columns or "USUBJID" not in env.df.columns:
            raise MissingVariable("DM.RFSTDTC")
        look = dict(zip(text(dm.frame["USUBJID"]), text(dm.frame["RFSTDTC"]), strict=True))
        ref = text(env.df["USUBJID"]).map(look).fillna("")
    d = iso8601.to_date(text(env.df[name]))
    r = iso8601.to_date(ref)
    days = (d - r).dt.days.astype("float64")
    return Result(column=days.where(days < 0, days + 1))


@operation("regex_find_replace")
def regex_find_replace(env: Env, spec: dict[str, Any]) -> Result:
    """``name`` with the regex ``find`` replaced by ``replace`` (``\\1`` a group), per record; a value the regex
    does not match is kept (ADaM AD064: TRT01AN -> TRT01A)."""
    name = resolve(spec.get("name", ""), env.domain)
    if name not in env.df.columns:
        raise MissingVariable(name)
    try:
        pattern = re.compile(str(spec.get("find", "")))
    except re.error as exc:
        raise NotRunnable(f"regex_find_replace: regex {spec.get('find')!r} does not compile ({exc})") from exc
    replace = str(spec.get("replace", "")).strip()
    return Result(column=text(env.df[name]).str.replace(pattern, replace, regex=True))


def run(env: Env, spec: dict[str, Any]) -> Result:
    op = spec.get("operator")
    fn = OPERATIONS.get(str(op))
    if fn is None:
        raise NotRunnable(f"operation {op!r} is not supported")
    return fn(env, spec)


# --- the standard's metadata (library.py) -----------------------------------------------------------------

def library_version(standard: str, version: str) -> str:
    """The SDTMIG version whose shipped metadata a library operation reads; :class:`NotRunnable` for another
    standard (SENDIG's metadata is not shipped)."""
    if standard.upper() not in ("SDTMIG", ""):
        raise NotRunnable(f"library metadata of {standard} is not shipped")
    return version


def _lib(env: Env) -> str:
    return library_version(env.standard, env.version)


def _library_names(env: Env) -> tuple[str, ...]:
    return tuple(library.library_table(env.ds, _lib(env))["name"])


@operation("get_model_column_order")
def get_model_column_order(env: Env, spec: dict[str, Any]) -> Result:
    """The variables the SDTM model allows the dataset, in model order (its class's; a special-purpose or
    trial-design domain: the guide's)."""
    return Result(scalar=_library_names(env))


@operation("get_column_order_from_library")
def get_column_order_from_library(env: Env, spec: dict[str, Any]) -> Result:
    """The library's column order for the dataset (:func:`library.column_order`)."""
    return Result(scalar=tuple(library.column_order(env.ds, _lib(env))))


@operation("get_parent_model_column_order")
def get_parent_model_column_order(env: Env, spec: dict[str, Any]) -> Result:
    """For SUPP--: the model column order of the parent domain (SUPPAE: AE's)."""
    parent = env.ds.name.upper()[4:] if env.ds.name.upper().startswith("SUPP") else ""
    ds = env.datasets.get(parent)
    if ds is None:
        raise MissingVariable(f"dataset {parent or env.ds.name}")
    return Result(scalar=tuple(library.library_table(ds, _lib(env))["name"]))


@operation("get_column_order_from_dataset")
def get_column_order_from_dataset(env: Env, spec: dict[str, Any]) -> Result:
    return Result(scalar=tuple(str(c) for c in env.ds.columns))


def _filtered(table: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    key, want = str(spec.get("key_name", "")), spec.get("key_value")
    if key not in table.columns:
        raise NotRunnable(f"{spec.get('operator')} by {key!r}")
    return table[table[key].astype(str).str.lower() == str(want).lower()]


@operation("get_dataset_filtered_variables")
def get_dataset_filtered_variables(env: Env, spec: dict[str, Any]) -> Result:
    """The dataset's variables whose library metadata has ``key_name`` = ``key_value`` (role Timing), in
    library order."""
    names = _filtered(library.library_table(env.ds, _lib(env)), spec)["name"]
    return Result(scalar=tuple(n for n in names if n in env.ds.columns))


@operation("get_model_filtered_variables")
def get_model_filtered_variables(env: Env, spec: dict[str, Any]) -> Result:
    return Result(scalar=tuple(_filtered(library.library_table(env.ds, _lib(env)), spec)["name"]))


def _core(env: Env, status: str) -> Result:
    table = library.domain_table(env.ds, _lib(env))
    return Result(scalar=tuple(table.loc[table["core"] == status, "name"]))


@operation("required_variables")
def required_variables(env: Env, spec: dict[str, Any]) -> Result:
    """The guide's Required variables of the dataset's domain (none for a custom domain)."""
    return _core(env, "Req")


@operation("expected_variables")
def expected_variables(env: Env, spec: dict[str, Any]) -> Result:
    return _core(env, "Exp")


@operation("domain_is_custom")
def domain_is_custom(env: Env, spec: dict[str, Any]) -> Result:
    return Result(scalar=library.is_custom(env.ds, _lib(env)))


@operation("extract_metadata")
def extract_metadata(env: Env, spec: dict[str, Any]) -> Result:
    """One item of the dataset's metadata (``dataset_name``, ``dataset_label``)."""
    what = str(spec.get("name", ""))
    meta = {"dataset_name": env.ds.name, "dataset_label": env.ds.label or "", "domain": env.domain,
            "dataset_size": float(env.ds.file_size) if env.ds.file_size else np.nan}  # unknown for frames
    if what not in meta:
        raise NotRunnable(f"extract_metadata of {what!r}")
    return Result(scalar=meta[what])


@operation("codelist_terms")
def codelist_terms(env: Env, spec: dict[str, Any]) -> Result:
    """The terms of the named codelists (submission values, ``codelists: [DOMAIN]``) in the package's CT version
    (``returntype: code``: their NCI codes; else their values)."""
    from sdtm_convert.standards.ct import DEFAULT_CT_VERSION, load_ct

    if str(spec.get("level", "term")) != "term":
        raise NotRunnable(f"codelist_terms at level {spec.get('level')!r}")
    version = str(env.study.get("ct_version") or DEFAULT_CT_VERSION)
    key = ("codelist_terms", version, repr(spec.get("codelists")), spec.get("returntype"))
    if key not in env.cache:
        try:
            ct = load_ct(version)
        except KeyError as exc:
            raise NotRunnable(f"codelist_terms: CT {version} is not shipped") from exc
        col = "code" if str(spec.get("returntype", "")) == "code" else "value"
        out: list[str] = []
        for name in spec.get("codelists") or []:
            if str(name) in ct:
                out += [str(v) for v in ct.codelist(str(name)).terms[col]]
        env.cache[key] = tuple(dict.fromkeys(out))
    return Result(scalar=env.cache[key])
