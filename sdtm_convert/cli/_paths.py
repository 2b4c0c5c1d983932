"""The (input, output) file pairs of ``xpt2json`` and ``json2xpt``."""

from __future__ import annotations

from pathlib import Path

from sdtm_convert.errors import fatal

DATASET_JSON = (".json", ".ndjson", ".dsjc")


def targets(src: Path, out: str | None, suffix: str,
            inputs: tuple[str, ...] | None = None) -> list[tuple[Path, Path]]:
    """(input, output) pairs: one file, or every file of a folder, to ``out`` (a file or a folder), checked.
    A folder's inputs are its files ending in one of ``inputs`` (default: .xpt for a Dataset-JSON ``suffix``,
    Dataset-JSON for .xpt), one per dataset name (the first of ``inputs`` that is there)."""
    from sdtm_convert.common.places import check_output_file, check_output_folder

    inputs = inputs or ((".xpt",) if suffix != ".xpt" else DATASET_JSON)
    if src.is_dir():
        found = sorted((p for p in src.iterdir() if p.suffix.lower() in inputs),
                       key=lambda p: (inputs.index(p.suffix.lower()), p.name))
        by_name: dict[str, Path] = {}
        for p in found:
            by_name.setdefault(p.stem.lower(), p)
        files = sorted(by_name.values())
    else:
        files = [src]
    if not files:
        raise fatal("convert-nothing", "no input files found", file=str(src))
    if out and not Path(out).is_dir() and len(files) == 1 and not src.is_dir():
        pairs = [(files[0], check_output_file(out))]
    else:
        folder = check_output_folder(Path(out) if out else (src if src.is_dir() else src.parent))
        folder.mkdir(parents=True, exist_ok=True)
        pairs = [(f, folder / (f.stem.lower() + suffix)) for f in files]
    same = next((s for s, d in pairs if s.resolve() == d.resolve()), None)
    if same is not None:
        raise fatal("convert-same-file", "the output would overwrite its input; give --out or another --format",
                    file=str(same))
    return pairs
