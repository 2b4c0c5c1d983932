"""The ``variable`` block of the domain spec JSON Schema, generated from the algorithm descriptors.

``python -m sdtm_convert.mapping.jsonschema`` rewrites ``spec/jsonschema/domain.schema.json`` with the block
made from the registered algorithms (the rest of the file is kept as it is); ``--check`` exits 1 when the
committed file differs. A test regenerates and diffs, so the schema cannot drift from the descriptors.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from sdtm_convert.common.generated import regenerate
from sdtm_convert.spec import conditions
from sdtm_convert.spec.params import COMMON, DATE_DEFAULTS

SCHEMA_FILE = Path(str(resources.files("sdtm_convert.spec") / "jsonschema" / "domain.schema.json"))


def variable_schema(algorithms: Any) -> dict[str, Any]:
    """One ``if algorithm == NAME then {its parameters, nothing else}`` branch per algorithm."""
    common = {name: kind.schema() for name, kind in COMMON.items() if name != "algorithm"}
    common["algorithm"] = {"enum": algorithms.names()}
    branches = []
    for name, algo in algorithms.items():
        then: dict[str, Any] = {}
        required = [p for p, kind in algo.params.items() if kind.required]
        if required:
            then["required"] = required
        if algo.one_of:
            then["oneOf"] = [{"required": [p]} for group in algo.one_of for p in group]
        then["properties"] = {**{p: kind.schema() for p, kind in algo.params.items()}, **{k: True for k in COMMON}}
        then["additionalProperties"] = False
        branches.append({"if": {"properties": {"algorithm": {"const": name}}}, "then": then})
    return {"type": "object", "required": ["target", "algorithm"],
            "properties": {k: common[k] for k in COMMON}, "allOf": branches}


def domain_schema(algorithms: Any, current: dict[str, Any]) -> dict[str, Any]:
    """``current`` (the committed schema) with its ``$defs.variable`` made from ``algorithms``."""
    out = json.loads(json.dumps(current))
    out["$defs"]["variable"] = variable_schema(algorithms)
    out["$defs"]["condition"] = conditions.json_schema({"$ref": "#/$defs/name"})  # the one condition language
    out["properties"]["dates"]["properties"] = {k: kind.schema() for k, kind in DATE_DEFAULTS.items()}
    return out


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def generated_text(path: Path = SCHEMA_FILE) -> str:
    from sdtm_convert.mapping.algorithms import ALGORITHMS

    return render(domain_schema(ALGORITHMS, json.loads(path.read_text(encoding="utf-8"))))


def main(argv: list[str] | None = None) -> int:
    return regenerate(SCHEMA_FILE, generated_text, "sdtm_convert.mapping.jsonschema", __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
