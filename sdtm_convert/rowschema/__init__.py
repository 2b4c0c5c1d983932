"""Per-dataset row JSON Schemas (``rowschemas/``) and the vectorised validator that applies them.

``rowschemas/`` is resolved at the repository root (``Path(__file__).resolve().parents[2] / "rowschemas"``,
i.e. a source checkout or an editable install). A wheel has no repository root: there the schemas
are read from package data, ``sdtm_convert/data/rowschemas`` (a link to ``rowschemas/`` that the build
follows; ``pyproject.toml`` ships ``data/**/*``). The two are the same files.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from sdtm_convert.rowschema.rows import PROVENANCE_COLS, frame_rows
from sdtm_convert.rowschema.vectorised import validate_frame

_REPO_SPECS = Path(__file__).resolve().parents[2] / "rowschemas"
_PACKAGE_SPECS = Path(__file__).resolve().parents[1] / "data" / "rowschemas"


def schema_dir() -> Path:
    """Directory holding ``sdtm/*.json`` and ``adam/*.json``."""
    return _REPO_SPECS if (_REPO_SPECS / "sdtm").is_dir() else _PACKAGE_SPECS


def schema_path(dataset: str) -> Path:
    name = dataset.upper()
    if name.startswith("SUPP"):
        name = "SUPPQUAL"
    adam = schema_dir() / "adam" / f"{name}.json"  # generated from the ADaM descriptors (adam/datasets/)
    return adam if adam.is_file() else schema_dir() / "sdtm" / f"{name}.json"


@cache
def _load(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_schema(dataset: str) -> dict[str, Any]:
    """The row schema of ``dataset`` (``SUPPxx`` → SUPPQUAL; ADaM names → ``rowschemas/adam``). A fresh dict."""
    path = schema_path(dataset)
    if not path.is_file():
        raise KeyError(f"no JSON Schema for dataset {dataset!r} ({path})")
    return json.loads(_load(path))


__all__ = ["PROVENANCE_COLS", "frame_rows", "load_schema", "schema_dir", "schema_path", "validate_frame"]
