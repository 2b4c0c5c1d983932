"""The CORE rules as package data: one compact record per rule, and the reader of those files (the published
rules, ``core-rules.json.gz``; the unpublished ADaMIG rules, ``adamig-rules.json.gz``).

:func:`to_record` turns one parsed ``rule.yml`` into the record shipped (the import script and the tests use
it, so the two cannot drift); :func:`load_rules` reads the shipped file back as :class:`CoreRule` objects.
A rule file that did not parse is shipped as a record with ``error`` set: it is listed, never run.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sdtm_convert.common.atomic import atomic_write_bytes

RULES_FILE = "core-rules.json.gz"
ADAM_RULES_FILE = "adamig-rules.json.gz"  # the unpublished ADaMIG rules (status "unpublished"), imported beside


@dataclass(frozen=True)
class CoreRule:
    """One CORE rule. ``check``/``operations``/``match`` are the rule file's own structures, compiled by
    ``check.py``; ``error`` says why a rule file could not be read (the rule is then not run)."""

    core_id: str
    rule_type: str = ""
    sensitivity: str = ""
    status: str = ""
    version: str = ""
    cdisc_ids: tuple[str, ...] = ()
    fda_ids: tuple[str, ...] = ()
    pmda_ids: tuple[str, ...] = ()
    standards: tuple[tuple[str, str], ...] = ()  # (name, version): ("SDTMIG", "3.4")
    scope: dict[str, Any] = field(default_factory=dict)
    check: Any = None
    operations: tuple[dict[str, Any], ...] = ()
    match: tuple[dict[str, Any], ...] = ()
    output_variables: tuple[str, ...] = ()
    message: str = ""
    description: str = ""
    executability: str = ""
    error: str = ""
    source: str = ""  # the archive folder of an unpublished rule's file (its test cases lie under it)

    def applies_to(self, standard: str, version: str) -> bool:
        """The rule names this standard and version (``3-4``, ``3.4`` alike; no version given: any)."""
        want = version.replace("-", ".")
        return any(n.upper() == standard.upper() and (not want or not v or v == want) for n, v in self.standards)


def _ids(authorities: list[dict], organization: str) -> list[str]:
    out: list[str] = []
    for auth in authorities:
        if str(auth.get("Organization", "")).upper() != organization:
            continue
        for std in auth.get("Standards") or []:
            for ref in std.get("References") or []:
                rid = (ref.get("Rule Identifier") or {}).get("Id")
                if rid and str(rid) not in out:
                    out.append(str(rid))
    return out


def _standards(authorities: list[dict]) -> list[list[str]]:
    out: list[list[str]] = []
    for auth in authorities:
        for std in auth.get("Standards") or []:
            pair = [str(std.get("Name", "")), str(std.get("Version", ""))]
            if pair not in out:
                out.append(pair)
    return out


def to_record(doc: dict[str, Any]) -> dict[str, Any]:
    """The shipped record of one parsed rule file (JSON-ready, only the fields the interpreter and the
    catalogue use)."""
    auth = doc.get("Authorities") or []
    core = doc.get("Core") or {}
    outcome = doc.get("Outcome") or {}
    rec: dict[str, Any] = {
        "core_id": str(core.get("Id", "")),
        "status": str(core.get("Status", "")),
        "version": str(core.get("Version", "")),
        "rule_type": str(doc.get("Rule Type", "")),
        "sensitivity": str(doc.get("Sensitivity", "") or ""),
        "executability": str(doc.get("Executability", "") or ""),
        "cdisc_ids": _ids(auth, "CDISC"),
        "fda_ids": _ids(auth, "FDA"),
        "pmda_ids": _ids(auth, "PMDA"),
        "standards": _standards(auth),
        "scope": doc.get("Scope") or {},
        "check": doc.get("Check"),
        "operations": doc.get("Operations") or [],
        "match": doc.get("Match Datasets") or [],
        "output_variables": [str(v) for v in outcome.get("Output Variables") or []],
        "message": str(outcome.get("Message", "") or ""),
        "description": str(doc.get("Description", "") or ""),
    }
    return rec


def from_record(rec: dict[str, Any]) -> CoreRule:
    """A :class:`CoreRule` from one shipped record."""
    return CoreRule(
        core_id=rec["core_id"],
        rule_type=rec.get("rule_type", ""),
        sensitivity=rec.get("sensitivity", ""),
        status=rec.get("status", ""),
        version=rec.get("version", ""),
        cdisc_ids=tuple(rec.get("cdisc_ids", ())),
        fda_ids=tuple(rec.get("fda_ids", ())),
        pmda_ids=tuple(rec.get("pmda_ids", ())),
        standards=tuple((n, v) for n, v in rec.get("standards", ())),
        scope=rec.get("scope") or {},
        check=rec.get("check"),
        operations=tuple(rec.get("operations") or ()),
        match=tuple(rec.get("match") or ()),
        output_variables=tuple(rec.get("output_variables", ())),
        message=rec.get("message", ""),
        description=rec.get("description", ""),
        executability=rec.get("executability", ""),
        error=rec.get("error", ""),
        source=rec.get("source", ""),
    )


def dump(records: list[dict[str, Any]], path: Path) -> None:
    """Write records as gzip JSON, byte-identical for the same records (sorted by id, no timestamp)."""
    text = json.dumps(sorted(records, key=lambda r: r["core_id"]), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    atomic_write_bytes(path, buf.getvalue())  # a reader never sees half a file


def read_records(path: Path | None = None, name: str = RULES_FILE) -> list[dict[str, Any]]:
    """The records of a rules file (default: the shipped file ``name``)."""
    if path is None:
        data = resources.files("sdtm_convert").joinpath("data", "core", name).read_bytes()
    else:
        data = Path(path).read_bytes()
    return json.loads(gzip.decompress(data).decode("utf-8"))


@cache
def _shipped() -> tuple[CoreRule, ...]:
    return tuple(from_record(r) for name in (RULES_FILE, ADAM_RULES_FILE) for r in read_records(None, name))


def load_rules(path: Path | None = None) -> tuple[CoreRule, ...]:
    """All rules of a rules file (default: the shipped ones, published then unpublished ADaMIG, read once per
    process)."""
    if path is None:
        return _shipped()
    return tuple(from_record(r) for r in read_records(path))
