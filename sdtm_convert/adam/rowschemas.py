"""Regenerate the committed row schemas ``rowschemas/sdtm/*.json`` and ``rowschemas/adam/*.json``:
``python -m sdtm_convert.adam.rowschemas [OUT_DIR] [--check]`` (``--check``: exit 1 naming the stale files,
write nothing).

SDTM schemas come from SDTMIG 3.4 metadata and CT (:mod:`sdtm_convert.rowschema.generate`); ADaM schemas from the
ADaM specs of the bundled study (``mappings/nct03745417/adam/<adxx>.yaml``, compiled by :mod:`sdtm_convert.adam.specs`)
and, for a dataset they do not declare, the registered descriptors (``adam/datasets/<adxx>.py``). The row schemas
are one per dataset name, whatever the study. This module sits above both, so the schema package never imports
the ADaM stage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sdtm_convert.adam.datasets import DATASETS
from sdtm_convert.common.atomic import atomic_write_text
from sdtm_convert.rowschema import datasets as D
from sdtm_convert.rowschema import schema_dir
from sdtm_convert.rowschema.generate import adam_schema, render, sdtm_schema

REFERENCE_STUDY = "nct03745417"  # the bundled study whose ADaM specs describe the row schemas


def adam_descriptors() -> dict[str, Any]:
    """Dataset name → descriptor: the bundled study's ADaM specs, then the registered datasets they lack."""
    from sdtm_convert.adam.specs import compile_specs
    from sdtm_convert.spec.adam import load_adam_specs
    from sdtm_convert.spec.locate import bundled_spec

    out: dict[str, Any] = dict(DATASETS.items())
    folder = bundled_spec(REFERENCE_STUDY)
    if folder is not None:
        out.update(compile_specs(load_adam_specs(folder)).items())
    return out


def all_schemas() -> dict[str, dict[str, Any]]:
    """Relative path under ``rowschemas/`` → schema."""
    out = {f"sdtm/{name}.json": sdtm_schema(name) for name in D.SDTM_DATASETS}
    descriptors = adam_descriptors()
    out.update({f"adam/{name}.json": adam_schema(descriptors[name]) for name in sorted(descriptors)})
    return out


def write_schemas(out_dir: Path) -> list[Path]:
    written = []
    for rel, schema in all_schemas().items():
        path = out_dir / rel
        atomic_write_text(path, render(schema))
        written.append(path)
    return written


def stale_schemas(out_dir: Path) -> list[Path]:
    """The schema files under ``out_dir`` that are missing or differ from what the metadata and specs give."""
    return [out_dir / rel for rel, schema in all_schemas().items()
            if not (out_dir / rel).is_file() or (out_dir / rel).read_text(encoding="utf-8") != render(schema)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sdtm_convert.adam.rowschemas",
                                 description="Regenerate the committed row schemas (rowschemas/sdtm, rowschemas/adam).")
    ap.add_argument("out_dir", nargs="?", type=Path, help="folder to write (default: the package's rowschemas/)")
    ap.add_argument("--check", action="store_true", help="exit 1 naming the stale schema files; write nothing")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    out = args.out_dir or schema_dir()
    if args.check:
        stale = stale_schemas(out)
        for path in stale:
            print(f"{path} is stale: run python -m sdtm_convert.adam.rowschemas", file=sys.stderr)
        return 1 if stale else 0
    for path in write_schemas(out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
