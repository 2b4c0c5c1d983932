"""The command of a generated, committed file (spec JSON Schemas, reference pages): rewrite it, or with
``--check`` exit 1 when the committed file differs from a fresh generation (tests call it that way)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sdtm_convert.common.atomic import atomic_write_text


def regenerate(path: Path, generate: Callable[[], str], prog: str, description: str,
               argv: list[str] | None = None) -> int:
    """``python -m <prog> [--check]`` for the file ``path`` that ``generate`` makes."""
    ap = argparse.ArgumentParser(prog=f"python -m {prog}", description=description)
    ap.add_argument("--check", action="store_true", help=f"exit 1 when the committed {path.name} is stale")
    args = ap.parse_args(argv)
    text = generate()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return 0
    if args.check:
        print(f"{path.name} is stale: run python -m {prog}", file=sys.stderr)
        return 1
    atomic_write_text(path, text)
    return 0
