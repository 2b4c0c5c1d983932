"""Submission package: Define-XML 2.1, define.html, Dataset-JSON 1.1, manifest.

- :func:`~sdtm_convert.package.define_xml.build_define` — Define-XML 2.1 (+ ARM 1.0) from the
  ``DatasetMeta`` objects and CT; :mod:`~sdtm_convert.package.codelists` builds the codelists from the
  values used in the data (``used_values_from_frames``).
- :func:`~sdtm_convert.package.xsd.validate_define` — official XSDs (vendored), offline, safe parser.
- :func:`~sdtm_convert.package.define_html.render_define_html` — define.html from any define.xml.
- :mod:`~sdtm_convert.package.datasetjson` — Dataset-JSON 1.1 write/read/validate, XPT converters.
- :mod:`~sdtm_convert.package.manifest` — ``write_manifest`` / ``verify_manifest``.

Stylesheet: define.xml carries ``<?xml-stylesheet type="text/xsl" href="define2-1.xsl"?>`` and the
bundle ships our own small XSLT 1.0 (``templates/define2-1.xsl``: datasets, variables, value level,
codelists with NCI codes, methods, comments). It is tested with libxslt. The navigable, reviewed
rendering is define.html (browsers increasingly refuse XSLT on local files). ``stylesheet=None``
drops both the processing instruction and the file.

``write_define_bundle`` writes define.xml, its stylesheet and define.html into one folder; each file
goes to a temporary name first and is renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sdtm_convert.common.atomic import atomic_write_bytes, atomic_write_text
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.package.define_html import render_define_html
from sdtm_convert.package.define_xml import STYLESHEET, build_define

__all__ = ["write_define_bundle", "build_define", "render_define_html"]


def write_define_bundle(out_dir: str | Path, datasets: list[DatasetMeta], **study_info) -> list[Path]:
    """Write ``define.xml`` (+ ``define2-1.xsl``, which it references) and ``define.html`` into ``out_dir``.

    ``study_info`` are the keyword arguments of :func:`build_define` (study_oid, study_name, description,
    protocol, standard, ct_version, created, ... , issues). Returns the paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    xml = build_define(datasets, **study_info)
    paths = [atomic_write_bytes(out / "define.xml", xml)]
    if study_info.get("stylesheet", STYLESHEET):
        name = study_info.get("stylesheet", STYLESHEET)
        xsl = (resources.files("sdtm_convert.package") / "templates" / STYLESHEET).read_bytes()
        paths.append(atomic_write_bytes(out / name, xsl))
    paths.append(atomic_write_text(out / "define.html", render_define_html(xml)))
    return paths
