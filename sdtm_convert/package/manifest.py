"""Run manifest: every file under a package root with its size and SHA-256 (sorted, deterministic)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sdtm_convert.common.atomic import atomic_write_text
from sdtm_convert.errors import ERROR, Issue

MANIFEST = "manifest.json"
_CHUNK = 1 << 20


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _files(root: Path) -> list[Path]:
    """Regular files under root (symlinks not followed), the manifest and temp files left out."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if rel != MANIFEST and not name.endswith(".tmp") and p.is_file() and not p.is_symlink():
                out.append(p)
    return sorted(out, key=lambda p: p.relative_to(root).as_posix())


def _entries(root: Path) -> list[dict]:
    return [
        {"path": p.relative_to(root).as_posix(), "size": p.stat().st_size, "sha256": sha256(p)} for p in _files(root)
    ]


def write_manifest(root: str | Path, *, extra: dict | None = None) -> Path:
    """Write ``<root>/manifest.json`` (``extra`` first, e.g. study id, tool version, created; then ``files``)."""
    root = Path(root)
    doc = dict(sorted((extra or {}).items())) | {"files": _entries(root)}
    return atomic_write_text(root / MANIFEST, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def verify_manifest(root: str | Path) -> list[Issue]:
    """Compare files under root with the manifest. Codes: ``manifest-missing``, ``manifest-file-missing``,
    ``manifest-file-changed`` (size or hash), ``manifest-file-unlisted``."""
    root = Path(root)
    path = root / MANIFEST
    try:
        listed = {e["path"]: e for e in json.loads(path.read_text(encoding="utf-8"))["files"]}
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [Issue("manifest-missing", ERROR, f"no readable manifest: {e}", file=str(path))]
    present = {p.relative_to(root).as_posix(): p for p in _files(root)}
    issues = []
    for rel, entry in listed.items():
        p = present.get(rel)
        if p is None:
            issues.append(Issue("manifest-file-missing", ERROR, "listed in the manifest but not present", file=rel))
        elif p.stat().st_size != entry.get("size") or sha256(p) != entry.get("sha256"):
            issues.append(Issue("manifest-file-changed", ERROR, "size or SHA-256 differs from the manifest", file=rel))
    issues += [
        Issue("manifest-file-unlisted", ERROR, "present but not in the manifest", file=rel)
        for rel in sorted(set(present) - set(listed))
    ]
    return issues
