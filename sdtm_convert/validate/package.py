"""Read a package folder (XPT v5 and/or Dataset-JSON 1.1) or frames given directly into Datasets.

Character columns come back as ``str`` with ``""`` for missing, numerics as ``float64`` (SAS dates
stay numbers: ``disable_datetime_conversion``). Text that is not UTF-8 (XPT records no encoding; the
pilot ``ts.xpt`` has a Windows-1252 0x92) is re-read as cp1252 unless an encoding is given. Any file
that cannot be read raises :class:`SdtmConvertError` naming the file.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat

from sdtm_convert.errors import fatal
from sdtm_convert.package import writers
from sdtm_convert.validate.model import Dataset, Views, dataset_domain
from sdtm_convert.validate.xpt_header import read_header


def _normalise(df: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for c in df.columns:
        s = df[c]
        if _is_number(s):
            out[c] = s.astype("float64")
        elif s.dtype == object or pd.api.types.is_bool_dtype(s):  # Python objects stay as they are (1 ≠ True)
            arr = s.to_numpy(dtype=object)
            out[c] = pd.Series(np.where(pd.isna(arr), "", arr).astype(object), dtype=object)
        else:
            out[c] = pd.Series(_shared_text(s), dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


def _shared_text(s: pd.Series) -> np.ndarray:
    """Text as a numpy object array ("" for missing) in which equal values share one Python string.

    Rules hash these arrays (unique/isin/groupby), which is fast on numpy objects; building one string
    per distinct value instead of one per cell keeps a 2-million-row QS at 8 bytes a cell, not ~60."""
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    table = np.empty(len(uniq) + 1, dtype=object)
    table[:-1] = np.asarray(uniq, dtype=object) if isinstance(s.dtype, pd.StringDtype) else [str(x) for x in uniq]
    table[-1] = ""
    return table[np.where(codes < 0, len(uniq), codes)]


def read_xpt(path: Path, encoding: str | None = None) -> Dataset:
    """XPT v5 through the project's numpy parser (twice as fast as pyreadstat, and it refuses truncated
    or corrupt files itself); other transport versions through pyreadstat."""
    header = read_header(path)
    if header["version"] is None:
        raise fatal("xpt-unreadable", f"{path.name} is not a SAS XPORT transport file", file=path.name)
    if header["version"] == "5":
        return _read_v5(path, header, encoding)
    return _read_pyreadstat(path, header, encoding)


def _read_v5(path: Path, header: dict[str, Any], encoding: str | None) -> Dataset:
    from sdtm_convert.errors import SdtmConvertError
    from sdtm_convert.xpt import read_v5

    _check_room(path)
    try:
        member = read_v5(path, encoding=encoding)
    except SdtmConvertError as exc:
        raise fatal("xpt-unreadable", f"{path.name} cannot be read as XPT: {exc.issue.message}", file=path.name) from None
    info = member.info
    # already normal: float64 numbers, text as object arrays of shared str with "" for missing (no pandas str
    # inference and no second pass through _normalise)
    index = pd.RangeIndex(info.records)
    frame = pd.DataFrame({v.name: pd.Series(member.columns[v.name], index=index,
                                            dtype="float64" if v.type == "Num" else object)
                          for v in info.variables}, index=index)
    return Dataset(
        name=(header["member"] or info.name or path.stem).upper(),
        frame=frame,
        labels={v.name: v.label or "" for v in info.variables},
        lengths={v.name: v.length for v in info.variables},
        formats={v.name: v.format for v in info.variables if v.format},
        label=header["label"] or info.label,
        file=path.name,
        file_size=path.stat().st_size,
        member_name=header["member"],
        source="xpt",
        encoding=info.encoding,
    )


def _check_room(path: Path) -> None:
    """Refuse, from the headers and the file size alone, an XPT v5 file whose observations would make a
    validation view (8 bytes a cell) larger than :data:`VIEW_BUDGET`: V5 does not store a record count, so
    the size is the count, and a file extended far beyond its data (padded, or sparse) would otherwise be
    read whole first."""
    from sdtm_convert.errors import SdtmConvertError
    from sdtm_convert.xpt.v5 import read_v5_layout

    try:
        data_at, obs_len, nvars = read_v5_layout(path)
    except SdtmConvertError:
        return  # the reader names the fault itself
    size = path.stat().st_size
    records = (size - data_at) // obs_len if obs_len else 0
    view = 8 * records * max(1, nvars)
    if view > VIEW_BUDGET:
        raise fatal("xpt-too-large",
                    f"{size:,} bytes hold {records:,} records of {nvars} variables, a validation "
                    f"view of {view / 2**30:.1f} GiB, over the validator's budget of {VIEW_BUDGET / 2**30:.0f} "
                    f"GiB{_holes(path, size)}; not read", file=path.name)


def _holes(path: Path, size: int) -> str:
    """" (only N bytes of it are stored on disk: a sparse file?)" where the file system stores less than the
    size (holes never written; a compressing file system can do the same, hence the question), else ""."""
    allocated = 512 * getattr(path.stat(), "st_blocks", size // 512 + 1)
    return f" (only {allocated:,} bytes of it are stored on disk: a sparse file?)" if allocated < size else ""


def _read_pyreadstat(path: Path, header: dict[str, Any], encoding: str | None) -> Dataset:
    tried = [encoding] if encoding else [None, "cp1252"]
    last: Exception | None = None
    for enc in tried:
        try:
            kw: dict[str, Any] = {"disable_datetime_conversion": True}
            if enc:
                kw["encoding"] = enc
            df, meta = pyreadstat.read_xport(str(path), **kw)
            break
        except UnicodeDecodeError as exc:  # not UTF-8: try the next encoding
            last = exc
        except Exception as exc:  # pyreadstat.ReadstatError and friends: truncated/corrupt
            if "decod" in str(exc).lower() or "unicode" in str(exc).lower() or "conver" in str(exc).lower():
                last = exc
                continue
            raise fatal("xpt-unreadable", f"{path.name} cannot be read as XPT: {exc}", file=path.name) from None
    else:
        raise fatal(
            "xpt-unreadable", f"{path.name}: text is not in encoding {tried[-1] or 'utf-8'} ({last})", file=path.name
        ) from None
    formats = {k: v for k, v in (meta.original_variable_types or {}).items() if v}
    return Dataset(
        name=(header["member"] or path.stem).upper(),
        frame=_normalise(df),
        labels={k: v or "" for k, v in meta.column_names_to_labels.items()},
        lengths=dict(meta.variable_storage_width or {}),
        formats=formats,
        label=header["label"] or meta.file_label,
        file=path.name,
        file_size=path.stat().st_size,
        member_name=header["member"],
        source="xpt",
        encoding=enc or "utf-8",
    )


def _meta_dict(md: Any) -> dict[str, Any]:
    """Per-dataset metadata from a plain mapping or the project's ``metadata.DatasetMeta``."""
    if md is None:
        return {}
    if hasattr(md, "variables"):
        vs = list(md.variables)
        return {
            "labels": {v.name: v.label for v in vs},
            "lengths": {v.name: int(v.length) for v in vs if getattr(v, "type", "Char") == "Char" and v.length},
            "formats": {v.name: v.display_format for v in vs if getattr(v, "display_format", None)},
            "label": md.label,
        }
    return dict(md)


def read_dataset_json(path: Path) -> Dataset:
    """Dataset-JSON 1.1 (.json / .ndjson / .dsjc) through the project's reader, parsed once."""
    from sdtm_convert.package.datasetjson import read_dataset_json_declared

    df, meta, columns, stated = read_dataset_json_declared(path)
    md = _meta_dict(meta)
    declared = {c["name"] for c in columns if c.get("length") is not None}
    return Dataset(
        name=str(meta.name).upper(),
        frame=_normalise(df),
        labels=md["labels"],
        lengths={k: v for k, v in md["lengths"].items() if k in declared},
        formats=md["formats"],
        label=md["label"],
        file=path.name,
        file_size=path.stat().st_size,
        member_name=meta.name,
        source={".ndjson": "ndjson", ".dsjc": "dsjc"}.get(path.suffix.lower(), "json"),
        encoding="utf-8",
        declared_records=stated,
    )


def read_file(path: Path, encoding: str | None = None) -> Dataset:
    """One dataset file, by its suffix's writer: XPT and Dataset-JSON through the readers above (their
    headers' labels and lengths are checked); any other registered format through its writer's ``read``."""
    writer = writers.for_suffix(path.suffix)
    if writer is None or writer.read is None:
        raise fatal("package-unknown-format", f"{path.name}: no output format reads {path.suffix!r} files",
                    file=path.name)
    if writer.name in _DECLARING:
        return _DECLARING[writer.name](path, encoding)
    return Dataset(name=path.stem.upper(), frame=_normalise(writer.read(path)), labels={}, lengths={}, formats={},
                   label=None, file=path.name, file_size=path.stat().st_size, member_name=None, source=writer.name,
                   encoding="utf-8")


_DECLARING = {"xpt": read_xpt, "json": lambda path, _encoding: read_dataset_json(path),
              "dsjc": lambda path, _encoding: read_dataset_json(path)}  # formats with a header


@dataclass
class Folder:
    """What :func:`read_package` found: the datasets (one per name), the folder's define.xml, and notes
    (a dataset present in more than one format, and which file was read)."""

    datasets: dict[str, Dataset]
    define: Path | None
    notes: list[str] = field(default_factory=list)


def preference(prefer: str) -> tuple[str, ...]:
    """Every registered suffix, ``prefer``'s format's first: ``xpt`` → (".xpt", ".json", ".ndjson")."""
    suffixes = writers.all_suffixes()
    first = writers.WRITERS[prefer].suffixes
    return first + tuple(s for s in suffixes if s not in first)


def choose_files(files: list[Path], prefer: str = "xpt") -> tuple[list[Path], list[str]]:
    """One file per dataset name (the stem), in ``prefer``'s order: XPT first by default, because XPT v5 is
    the file a submission carries (define.xml's leaf names it) and what the technical rules (8-character
    names, 200-byte lengths) are about. Returns the files to read and a note naming the others, which are
    not validated (never counted twice)."""
    order = preference(prefer)
    by_name: dict[str, list[Path]] = {}
    for p in files:
        by_name.setdefault(p.stem.upper(), []).append(p)
    chosen, skipped = [], []
    for name in sorted(by_name):
        ps = sorted(by_name[name], key=lambda p: (order.index(p.suffix.lower()), p.name))
        chosen.append(ps[0])
        skipped += [(ps[0], p) for p in ps[1:]]
    if not skipped:
        return chosen, []
    skipped_writer = writers.for_suffix(skipped[0][1].suffix)
    other = skipped_writer.name if skipped_writer else ("json" if prefer == "xpt" else "xpt")
    kept = sorted({_KIND.get(k.suffix.lower(), k.suffix.lower()) for k, _ in skipped})
    names = [p.name for _, p in skipped]
    shown = ", ".join(names[:SHOWN_FILES]) + (f", +{len(names) - SHOWN_FILES} more" if len(names) > SHOWN_FILES else "")
    n = len({k for k, _ in skipped})
    return chosen, [
        f"{n} {'dataset is' if n == 1 else 'datasets are'} present in more than one format; each was validated "
        f"once, from its {' or '.join(kept)} file; not read: {shown} (--format {other} validates the "
        f"{_COPIES.get(other, other)} copies instead)"
    ]


_KIND = {".xpt": "XPT", ".json": "Dataset-JSON", ".ndjson": "NDJSON", ".dsjc": "DSJC"}
_COPIES = {"xpt": "XPT", "json": "Dataset-JSON", "dsjc": "DSJC"}  # a --format's files, as the note names them
SHOWN_FILES = 4  # skipped files named in the note


def _refuse_run_folder(path: Path) -> None:
    """A run's output folder (``manifest.json`` beside ``m5/``) holds packages, not datasets: name them."""
    if not (path.is_dir() and (path / "manifest.json").is_file() and (path / "m5").is_dir()):
        return
    packages = sorted(d.parent for d in (path / "m5").rglob("define.xml"))
    listed = "; ".join(f"sdtm-convert validate {d}" for d in packages) or "none found under m5/"
    raise fatal("package-is-run-folder", f"this is a run's output folder, not a package; its packages: {listed}",
                file=str(path))


def read_package(path: Path, encoding: str | None = None, budget: int | None = None,
                 prefer: str = "xpt") -> Folder:
    """All datasets of a folder (one file per dataset name, see :func:`choose_files`) and its define.xml.

    Every file is read here (unreadable ones fail now, with their name); the views stay loaded within
    ``budget`` bytes (default ``VIEW_BUDGET``) and a released one is read from its file again when a rule
    needs it."""
    if not path.exists():
        raise fatal("package-missing", f"{path} does not exist", file=str(path))
    _refuse_run_folder(path)
    suffixes = writers.all_suffixes()
    files = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes)
    files = [p for p in files if p.suffix.lower() in suffixes]
    if not files:
        define = path / "define.xml" if path.is_dir() else None
        hint = f"; to check its define.xml alone: sdtm-convert validate {define}" if define and define.is_file() else ""
        raise fatal("package-empty", f"{path} holds no .xpt, .json, .ndjson or .dsjc dataset{hint}", file=str(path))
    files, notes = choose_files(files, prefer)
    out: dict[str, Dataset] = {}
    views = Views(VIEW_BUDGET if budget is None else budget)
    for p in files:
        ds = read_file(p, encoding)
        ds.keep_shape()
        ds.loader = functools.partial(_reread, p, encoding)
        ds.views = views
        views.make_room(ds)  # this view is loaded already: older ones make room for it
        out[p.stem.upper()] = ds
    folder = path if path.is_dir() else path.parent
    define = next((p for p in sorted(folder.iterdir()) if p.name.lower() == "define.xml"), None)
    return Folder(out, define, notes)


def read_folder(path: Path, encoding: str | None = None,
                budget: int | None = None) -> tuple[dict[str, Dataset], Path | None]:
    """:func:`read_package` as ``(datasets, define)``, XPT preferred."""
    folder = read_package(path, encoding, budget)
    return folder.datasets, folder.define


VIEW_BUDGET = 1024 * 2**20  # bytes of validation views held at once (one dataset is always allowed)


def from_frames(
    frames: Mapping[str, pd.DataFrame], metadata: Mapping[str, Mapping[str, Any]] | None = None,
    budget: int | None = None,
) -> dict[str, Dataset]:
    """Datasets from frames given directly; ``metadata[name]`` may hold labels/lengths/formats/label.

    Each dataset's validation view is built when a rule first reads it and can be released again
    (``frames`` may be a FrameStore that reads each frame from disk), within ``budget`` bytes of views
    (default ``VIEW_BUDGET``); what is known up front is taken from the frame as given (columns, records,
    numeric columns, domain)."""
    out = {}
    views = Views(VIEW_BUDGET if budget is None else budget)
    for name, df in frames.items():
        md = _meta_dict((metadata or {}).get(name))
        cols = [c for c in df.columns if not str(c).startswith("__")]  # provenance columns are not data
        ds = Dataset(
            name=name.upper(),
            labels=dict(md.get("labels", {})),
            lengths=dict(md.get("lengths", {})),
            formats=dict(md.get("formats", {})),
            label=md.get("label"),
            source="frame",
            loader=functools.partial(_view, frames, name, cols),
            views=views,
        )
        ds.__dict__["columns"] = pd.Index(cols, dtype=object)
        ds.__dict__["records"] = len(df)
        ds._uniq["__kinds__"] = {c: _is_number(df[c]) for c in cols}
        ds.__dict__["domain"] = dataset_domain(ds.name, df)
        out[ds.name] = ds
    return out


def _reread(path: Path, encoding: str | None) -> pd.DataFrame:
    return read_file(path, encoding).frame


def _view(frames: Mapping[str, pd.DataFrame], name: str, cols: list[str]) -> pd.DataFrame:
    return _normalise(frames[name][cols])


def _is_number(s: pd.Series) -> bool:
    """What :func:`_normalise` turns into float64 (its other columns become text)."""
    return bool(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s))
