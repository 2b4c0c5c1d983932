"""The pooling spec of ``sdtm-convert batch pool`` (``pooling.yaml``): its model and its checks before data.

Read with :func:`~sdtm_convert.spec.loader.load_yaml_validated_with_node` against ``jsonschema/pooling.schema.json``
(a misspelt key or a bad value is one error naming the file and line), then checked: a MedDRA term map file
must exist and hold the columns of :data:`MEDDRA_COLUMNS`, a rename may not give two variables one name. Each
part of the spec keeps its YAML line, so a problem the data shows later (a type clash, a study the packages
do not hold) is reported at the line that caused it.

Order of the harmonisation, per study: ``rename`` (old name → pooled name), then ``ct`` and ``recode`` values
(by pooled name), then ``assign`` (one value for every record), then the MedDRA term map (``AEDECOD`` and the
codes and SOC beside it). Then per dataset: ``keep`` (only these variables, in this order) or the union of the
studies' variables less ``drop``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sdtm_convert.errors import fatal
from sdtm_convert.spec.loader import key_line, load_yaml_validated_with_node

DEFAULT_DATASETS = ("ADSL", "ADAE")
# a MedDRA term map: the study's preferred term, and the pooled version's PT, its code, its SOC and the SOC code
MEDDRA_COLUMNS = ("from_pt", "to_pt", "to_ptcd", "to_soc", "to_soccd")
# the ADAE variables a term map rewrites, by the map column they take (those present in the dataset)
MEDDRA_TARGETS = {"to_pt": ("AEDECOD",), "to_ptcd": ("AEPTCD",), "to_soc": ("AEBODSYS", "AESOC"),
                  "to_soccd": ("AEBDSYCD", "AESOCCD")}


@dataclass(frozen=True)
class TermMap:
    """A MedDRA version map: the study's PT → the pooled version's PT, PT code, SOC and SOC code."""

    file: str
    version_from: str
    terms: Mapping[str, Mapping[str, str]]  # from_pt → {to_pt, to_ptcd, to_soc, to_soccd}
    line: int | None = None


@dataclass(frozen=True)
class StudyRules:
    """How one study's variables become the pooled ones."""

    studyid: str
    rename: Mapping[str, str] = field(default_factory=dict)
    recode: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    assign: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # dataset → variable → value
    ct_from: str | None = None
    ct: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    meddra: TermMap | None = None
    line: int | None = None  # the study's line in the spec


@dataclass(frozen=True)
class PoolingSpec:
    file: str
    pool: str
    studies: Mapping[str, StudyRules]
    datasets: tuple[str, ...] = DEFAULT_DATASETS
    keep: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    drop: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    types: Mapping[str, str] = field(default_factory=dict)
    title: str | None = None
    created: str | None = None
    ct_version: str | None = None
    meddra_version: str | None = None
    lines: Mapping[str, int] = field(default_factory=dict)  # "types.AGE", "keep.ADSL", "datasets" → line

    def line_of(self, *keys: str) -> int | None:
        """The line of the first of ``keys`` the spec has (``types.AGE``, ``studies.X``)."""
        return next((self.lines[k] for k in keys if k in self.lines), None)


def load_pooling_spec(path: str | Path) -> PoolingSpec:
    """The pooling spec at ``path``, validated and checked (see the module); a bad spec raises
    :class:`~sdtm_convert.errors.SdtmConvertError` naming the file and line."""
    path = Path(path)
    data, node = load_yaml_validated_with_node(path, "pooling")
    studies = {sid: _study(path, sid, rules or {}, node) for sid, rules in data["studies"].items()}
    datasets = tuple(dict.fromkeys(["ADSL", *data.get("datasets", DEFAULT_DATASETS)]))
    lines = {f"types.{v}": key_line(node, ["types"], v) for v in data.get("types", {})}
    lines |= {f"keep.{d}": key_line(node, ["keep"], d) for d in data.get("keep", {})}
    lines |= {f"drop.{d}": key_line(node, ["drop"], d) for d in data.get("drop", {})}
    lines |= {f"studies.{s}": key_line(node, ["studies"], s) for s in studies}
    lines |= {"datasets": key_line(node, [], "datasets"), "pool": key_line(node, [], "pool")}
    for part in ("keep", "drop"):
        for name in data.get(part, {}):
            if name not in datasets:
                raise fatal("pool-spec-dataset-unknown", f"{part} names {name}, which is not a pooled dataset "
                            f"({', '.join(datasets)})", file=str(path), line=lines[f"{part}.{name}"])
    return PoolingSpec(
        file=str(path), pool=data["pool"], studies=studies, datasets=datasets,
        keep={k: tuple(v) for k, v in data.get("keep", {}).items()},
        drop={k: tuple(v) for k, v in data.get("drop", {}).items()}, types=dict(data.get("types", {})),
        title=data.get("title"), created=data.get("created"), ct_version=data.get("ct_version"),
        meddra_version=data.get("meddra_version"), lines={k: v for k, v in lines.items() if v is not None})


def _study(path: Path, sid: str, rules: dict[str, Any], node: yaml.Node | None) -> StudyRules:
    rename = dict(rules.get("rename", {}))
    targets = list(rename.values())
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise fatal("pool-spec-rename-clash", f"study {sid}: two variables are renamed {twice[0]}",
                    file=str(path), line=key_line(node, ["studies", sid], "rename"))
    ct = rules.get("ct") or {}
    meddra = None
    if rules.get("meddra"):
        meddra = _term_map(path, rules["meddra"], key_line(node, ["studies", sid, "meddra"], "file"))
    return StudyRules(sid, rename, dict(rules.get("recode", {})), dict(rules.get("assign", {})), ct.get("from"), dict(ct.get("values", {})), meddra,
                      key_line(node, ["studies"], sid))


def _term_map(spec: Path, entry: dict[str, str], line: int | None) -> TermMap:
    """Read a MedDRA term map (CSV, a header with :data:`MEDDRA_COLUMNS`), relative to the spec's folder."""
    file = spec.parent / entry["file"]
    try:
        with open(file, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
            header = rows[0].keys() if rows else []
    except OSError as exc:
        raise fatal("pool-spec-meddra-file", f"MedDRA term map {entry['file']} cannot be read: {exc.strerror}",
                    file=str(spec), line=line) from None
    missing = [c for c in MEDDRA_COLUMNS if c not in header]
    if missing:
        raise fatal("pool-spec-meddra-file", f"MedDRA term map {entry['file']} has no column {', '.join(missing)} "
                    f"(needs {', '.join(MEDDRA_COLUMNS)})", file=str(spec), line=line)
    terms: dict[str, dict[str, str]] = {}
    for i, row in enumerate(rows, start=1):
        old = row["from_pt"].strip()
        if old in terms:
            raise fatal("pool-spec-meddra-file", f"preferred term {old!r} is mapped twice", file=str(file), row=i)
        terms[old] = {c: row[c].strip() for c in MEDDRA_COLUMNS[1:]}
    return TermMap(entry["file"], entry["from"], terms, line)
