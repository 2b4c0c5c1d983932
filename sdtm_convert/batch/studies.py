"""The studies of a batch: each one is a single command's arguments (``run`` or ``validate``) and its output folder.

From the command line (``STUDY...`` / ``DIR...``, each written under ``ROOT/<name>``) or from a YAML file::

    studies:
      - path: raw/abc101          # run: the raw study folder; validate: the package (folder, file or define.xml)
        name: abc101              # optional: the folder name, made unique
        spec: mappings/abc101     # run only (default: as `run` finds it)
        ct: 2017-09-29            # validate only (a run takes its CT version from the spec's study.yaml)
        define: ...               # validate only
        out: build/abc101         # optional (default ROOT/<name>)
        args: [--no-adam]         # optional: more options of the single command

Paths in the file are relative to the file's folder.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdtm_convert.errors import fatal

VALIDATION_REPORTS = ("json", "html", "xlsx")  # batch validate writes each package's reports as validation.<kind>
KEYS = {"path", "name", "spec", "ct", "define", "out", "args"}
ONLY = {"spec": "run", "ct": "validate", "define": "validate"}


@dataclass(frozen=True)
class Single:
    """The single command each study of a batch is (given by ``cli/batch.py``, so this package imports no CLI
    module): its name, its parser's arguments and its code (``add_arguments`` and ``execute`` of ``cli/run.py`` or
    ``cli/validate.py``), and ``failure`` (``cli.failure``: an exception -> exit status and one line)."""

    name: str  # run | validate
    add_arguments: Callable[[argparse.ArgumentParser], None]
    execute: Callable[..., Any]
    failure: Callable[[Exception, str | None], tuple[int, str]]


@dataclass(frozen=True)
class Study:
    name: str
    single: Single
    argv: tuple[str, ...]  # the single command's arguments, as `sdtm-convert COMMAND ARGV...` takes them
    out: str  # run: the package folder; validate: the folder of its validation.{json,html,xlsx}

    @property
    def command(self) -> str:
        return self.single.name


def parse(study: Study) -> argparse.Namespace:
    """The study's arguments parsed as the single command parses them (a bad option: a usage error naming it)."""
    p = argparse.ArgumentParser(prog=f"sdtm-convert {study.command}")
    study.single.add_arguments(p)
    try:
        return p.parse_args(list(study.argv))
    except SystemExit:
        raise fatal("batch-study-args", f"study {study.name}: `sdtm-convert {study.command} "
                    f"{' '.join(study.argv)}` is not a valid command line (see above)") from None


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "study"


def names_for(paths: list[str]) -> list[str]:
    """A short unique folder name per path: the parts left when the parts all paths share at the start and at the
    end are removed (``a/s1/m5/x/sdtm``, ``a/s2/m5/x/sdtm`` -> ``s1``, ``s2``); one path: its last part."""
    parts = [Path(os.path.abspath(p)).parts for p in paths]
    if len(parts) == 1:
        return [_safe(parts[0][-1])]
    head = 0
    while all(len(p) > head + 1 for p in parts) and len({p[head] for p in parts}) == 1:
        head += 1
    tail = 0
    while all(len(p) > head + tail + 1 for p in parts) and len({p[-1 - tail] for p in parts}) == 1:
        tail += 1
    names = [_safe("-".join(p[head:len(p) - tail])) for p in parts]
    return _unique(names)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}-{seen[n]}")
    return out


def _study(single: Single, name: str, path: str, root: Path, extra: list[str], entry: dict[str, Any]) -> Study:
    out = str(entry.get("out") or root / name)
    if single.name == "run":
        argv = [path, "--out", out]
        argv += ["--spec", str(entry["spec"])] if entry.get("spec") else []
    else:
        argv = [path] + [f"--report-{k}={Path(out) / f'validation.{k}'}" for k in VALIDATION_REPORTS]
        argv += [f"--ct={entry['ct']}"] if entry.get("ct") else []
        argv += [f"--define={entry['define']}"] if entry.get("define") else []
    return Study(name, single, tuple(argv + extra + [str(a) for a in entry.get("args") or []]), out)


def from_paths(single: Single, paths: list[str], root: Path, extra: list[str]) -> list[Study]:
    return [_study(single, n, p, root, extra, {}) for n, p in zip(names_for(paths), paths)]


def _entry_problem(command: str, i: int, entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return f"study {i}: give a mapping with path: (and optionally name, spec, ct, define, out, args)"
    unknown = sorted(set(entry) - KEYS)
    if unknown:
        return f"study {i}: unknown key {', '.join(unknown)} (known: {', '.join(sorted(KEYS))})"
    if not entry.get("path"):
        return f"study {i}: no path: (the raw study folder for run, the package for validate)"
    wrong = [k for k, c in ONLY.items() if entry.get(k) and c != command]
    if wrong:
        why = " (a run takes its CT version from the spec's study.yaml ct_version)" if "ct" in wrong else ""
        return f"study {i}: {', '.join(wrong)} is for batch {ONLY[wrong[0]]}, not batch {command}{why}"
    if entry.get("args") is not None and not isinstance(entry["args"], list):
        return f"study {i}: args: give a list of options, e.g. [--no-adam]"
    return None


def from_yaml(single: Single, file: str, root: Path, extra: list[str]) -> list[Study]:
    """The studies a YAML file lists (module docstring); a problem raises ``batch-studies-invalid`` naming it."""
    import yaml

    path = Path(file)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise fatal("batch-studies-invalid", f"cannot read the studies file: {exc}", file=file) from None
    entries = doc.get("studies") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not entries:
        raise fatal("batch-studies-invalid", "the file has no list `studies:`", file=file)
    for i, entry in enumerate(entries, 1):
        problem = _entry_problem(single.name, i, entry)
        if problem:
            raise fatal("batch-studies-invalid", problem, file=file)
    base = path.parent

    def resolved(entry: dict[str, Any]) -> dict[str, Any]:
        return {k: (str(base / str(v)) if k in ("path", "spec", "define", "out") and v else v) for k, v in entry.items()}

    entries = [resolved(e) for e in entries]
    auto = names_for([e["path"] for e in entries])
    names = _unique([_safe(str(e["name"])) if e.get("name") else a for e, a in zip(entries, auto)])
    return [_study(single, n, e["path"], root, extra, e) for n, e in zip(names, entries)]


def check(studies: list[Study]) -> None:
    """Every study's arguments parse and no two studies write the same folder (usage errors, before any work)."""
    outs: dict[str, str] = {}
    for s in studies:
        parse(s)
        key = os.path.abspath(s.out)
        if key in outs:
            raise fatal("batch-out-shared", f"studies {outs[key]} and {s.name} both write {s.out}; give each its "
                        "own out:")
        outs[key] = s.name
