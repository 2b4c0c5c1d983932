"""CDISC's published test cases of a CORE rule (cdisc-org/cdisc-open-rules layout), read and judged.

A case folder holds ``data/*.csv`` (one per dataset), ``data/_datasets.csv`` (Filename, Label),
``data/_variables.csv`` (dataset, variable, label, type Char/Num, length), ``data/.env`` (PRODUCT, VERSION) and,
for a negative case, ``results/results.csv`` (Dataset, Record, Variable, Value: the records the rule must flag).
A positive case passes when the rule flags nothing; a negative one when it flags exactly the listed records.

The unpublished ADaMIG rules (``Unpublished/ADAMIG/<folder>/``, :func:`find_adam_cases`) differ: their cases lie
at any depth under the rule file's folder, have no ``.env`` (the case runs as the rule's first ADaMIG version)
and no results (a negative case passes when the rule flags any record), and ``_datasets.csv`` may give each
dataset's ADaM ``Class`` and ``Subclass``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.package.define.read import read_define
from sdtm_convert.validate.core.rules import CoreRule
from sdtm_convert.validate.core.run import run_rules
from sdtm_convert.validate.model import Dataset

ENV_KEY = re.compile(r"([A-Z_]+)=([^\s]*?)(?=[A-Z_]+=|\s|$)")


@dataclass(frozen=True)
class Case:
    rule_id: str
    kind: str  # "positive" | "negative"
    number: str
    folder: Path
    product: str
    version: str  # "3.4"


@dataclass(frozen=True)
class Verdict:
    case: Case
    outcome: str  # "pass" | "fail" | "not run"
    detail: str = ""


def read_env(path: Path) -> dict[str, str]:
    """``KEY=value`` pairs (some published files lack the line breaks between them)."""
    if not path.exists():
        return {}
    return {k: v for k, v in ENV_KEY.findall(path.read_text(encoding="utf-8"))}


def find_cases(root: Path, product: str = "SDTMIG") -> list[Case]:
    """Every case of ``product`` under ``root`` (a folder holding ``CORE-*/`` rule folders, at any depth)."""
    out = []
    for env_file in sorted(root.rglob("data/.env")):
        env = read_env(env_file)
        if env.get("PRODUCT", "").upper() != product.upper():
            continue
        folder = env_file.parent.parent
        rule_id = folder.parent.parent.name
        out.append(Case(rule_id, folder.parent.name, folder.name, folder, product.upper(),
                        env.get("VERSION", "").replace("-", ".")))
    return out


def find_adam_cases(root: Path, rules: Iterable[CoreRule]) -> list[Case]:
    """Every case of the unpublished ADaMIG ``rules`` under ``root`` (cdisc-open-rules extracted: the rule's
    ``source`` folder is relative to it), as ``ADAMIG`` of the rule's first ADaMIG version."""
    out = []
    for rule in sorted(rules, key=lambda r: r.core_id):
        folder = root / rule.source if rule.source else None
        if folder is None or not folder.is_dir():
            continue
        version = next((v for n, v in rule.standards if n.upper() == "ADAMIG" and v), "")
        for data in sorted(folder.rglob("data")):
            kind = data.parent.parent.name
            if data.is_dir() and kind in ("positive", "negative") and (data / "_variables.csv").exists():
                out.append(Case(rule.core_id, kind, data.parent.name, data.parent, "ADAMIG", version))
    return out


def _dataset_meta(data: Path) -> dict[str, tuple[str, str, str]]:
    """``_datasets.csv`` by file stem: (label, Class, Subclass)."""
    if not (data / "_datasets.csv").exists():
        return {}
    meta = pd.read_csv(data / "_datasets.csv", dtype=str, keep_default_na=False)
    cols = {c.strip().lower(): c for c in meta.columns}
    pick = [meta[cols[k]] if k in cols else pd.Series("", index=meta.index) for k in ("class", "subclass")]
    return {f.strip().lower(): (lab, k.strip(), sub.strip())
            for f, lab, k, sub in zip(meta.iloc[:, 0], meta.iloc[:, 1], *pick, strict=True)}


def read_datasets(data: Path, blank_is_empty: bool = False) -> dict[str, Dataset]:
    """The case's datasets with the types and labels of ``_variables.csv`` (Char: text, "" when missing;
    Num: float) and the label, class and subclass of ``_datasets.csv``; when ``_datasets.csv`` lists the
    datasets, only those (a CSV it does not list is not part of the case, as in CDISC's engine).
    ``blank_is_empty``: Char values lose their trailing blanks, as in a transport file (the ADaM cases write " "
    for an empty value: AD0846's FORM, AD0871's SEX; an SDTM case flags a value of blanks, CORE-000867, so they
    keep theirs)."""
    variables = pd.read_csv(data / "_variables.csv", dtype=str, keep_default_na=False)
    variables.columns = [c.strip().lower() for c in variables.columns]
    ds_meta = _dataset_meta(data)
    out: dict[str, Dataset] = {}
    for csv in sorted(data.glob("*.csv")):
        if csv.name.startswith("_"):
            continue
        stem = csv.stem.lower()
        if ds_meta and stem not in ds_meta:  # CDISC's engine loads only the datasets _datasets.csv lists
            continue
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        meta = variables[variables["dataset"].str.lower() == stem]
        numeric = set(meta.loc[meta["type"].str.lower().isin(["num", "numeric", "integer", "float"]), "variable"])
        # one frame built at once (a column at a time fragments a wide frame)
        cells = {c: pd.to_numeric(frame[c].str.strip(), errors="coerce").astype("float64") if c in numeric
                 else frame[c].str.rstrip(" ") if blank_is_empty else frame[c] for c in frame.columns}
        frame = pd.DataFrame(cells, index=frame.index, columns=list(frame.columns))
        lengths = {v: int(n) for v, n in zip(meta["variable"], meta["length"], strict=True) if str(n).isdigit()}
        name = stem.upper()
        label, klass, subclass = ds_meta.get(stem, (None, "", ""))
        out[name] = Dataset(name=name, frame=frame, labels=dict(zip(meta["variable"], meta["label"], strict=True)),
                            lengths=lengths, label=label, file=csv.name, klass=klass, subclass=subclass)
    return out


def expected(case: Case) -> set[tuple[str, str]]:
    """(dataset, record) pairs a negative case lists; empty for a positive one."""
    path = case.folder / "results" / "results.csv"
    if case.kind == "positive" or not path.exists():
        return set()
    res = pd.read_csv(path, dtype=str, keep_default_na=False)
    if res.empty:
        return set()
    return {(d.strip().upper(), r.strip()) for d, r in zip(res["Dataset"], res["Record"], strict=True)}


def _define(case: Case) -> tuple[Any, str]:
    """The case's define.xml (``.env`` DEFINE_XML), read, and the SDTM CT version it names ("" without)."""
    name = read_env(case.folder / "data" / ".env").get("DEFINE_XML")
    if not name or not (case.folder / "data" / name).exists():
        return None, ""
    define = read_define(case.folder / "data" / name)
    return define, define.ct_sets.get("SDTM", "")


def judge(case: Case, rule: CoreRule) -> Verdict:
    """Run the rule on the case and compare with what the case expects."""
    try:
        datasets = read_datasets(case.folder / "data", blank_is_empty=case.product == "ADAMIG")
    except (OSError, ValueError, KeyError) as exc:
        return Verdict(case, "fail", f"case data unreadable: {exc}")
    define, ct_version = _define(case)
    result = run_rules(datasets, case.product, case.version, [rule], define=define, ct_version=ct_version)
    if rule.core_id in result.not_run:
        return Verdict(case, "not run", result.not_run[rule.core_id])
    if rule.core_id not in result.ran:
        return Verdict(case, "fail", f"rule does not name {case.product} {case.version}")
    got = {(f.dataset.upper(), "" if f.record is None else str(f.record)) for f in result.findings}
    want = expected(case)
    if case.kind == "negative" and not want:
        return Verdict(case, "pass" if got else "fail", "" if got else "no finding (case lists no records)")
    if got == want:
        return Verdict(case, "pass")
    extra, missing = sorted(got - want), sorted(want - got)
    return Verdict(case, "fail", f"flagged but not expected {extra[:5]}; expected but not flagged {missing[:5]}")
