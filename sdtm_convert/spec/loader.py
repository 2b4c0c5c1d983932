"""Read spec YAML safely and validate it against its JSON Schema, naming file and line on error.

YAML is read with ``yaml.SafeLoader`` only (no object construction from text). Line numbers come from
the composed node tree: a schema error's JSON path is walked through the nodes to the offending one.
Unknown or misplaced keys are named first (:mod:`sdtm_convert.spec.keys`, with "did you mean"), so a
misspelt key is reported as itself and not as the "required" error it causes downstream.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from sdtm_convert.errors import fatal
from sdtm_convert.spec.keys import key_problems

_SCHEMAS = resources.files("sdtm_convert.spec") / "jsonschema"
# libyaml's safe loader when present (10x faster); both build only plain data, never objects
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def spec_schema(kind: str) -> dict[str, Any]:
    with (_SCHEMAS / f"{kind}.schema.json").open("r", encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _validator(kind: str) -> jsonschema.protocols.Validator:
    schema = spec_schema(kind)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _child(node: yaml.Node | None, key: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]  # type: ignore[no-any-return]
    return None


def _line_of(node: yaml.Node | None, path: list[Any]) -> int | None:
    """1-based line of the YAML node at ``path`` (deepest node reachable)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        node = _child(node, key)
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def key_line(node: yaml.Node | None, path: list[Any], key: str) -> int | None:
    """1-based line of ``key`` inside the mapping at ``path`` (the nearest line reachable when not found)."""
    line = _line_of(node, path)
    for step in path:
        node = _child(node, step)
    if isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            if k.value == key:
                return int(k.start_mark.line) + 1
    return line


def _best_error(errors: list[jsonschema.ValidationError]) -> jsonschema.ValidationError:
    """The most specific error. An error of a conditional branch (``then``: what one algorithm needs) is
    a consequence when an unconditional one exists (a missing ``algorithm`` makes every ``if`` hold)."""
    plain = [e for e in errors if not {"then", "else"} & set(map(str, e.absolute_schema_path))]
    return jsonschema.exceptions.best_match(plain or errors)  # type: ignore[return-value]


def _describe(err: jsonschema.ValidationError) -> str:
    where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
    if err.validator == "additionalProperties":
        return f"at {where}: {err.message} (misspelt key?)"
    if err.validator == "enum":
        return f"at {where}: {err.instance!r} is not one of {err.validator_value}"
    return f"at {where}: {err.message}"


def load_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fatal("spec-file-missing", "spec file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise fatal("spec-encoding", f"spec file is not UTF-8 ({exc.reason})", file=str(path)) from None
    loader = _LOADER(text)  # a SafeLoader: no object construction from text
    try:  # one parse: the node tree (for line numbers) and the data built from it
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise fatal(
            "spec-yaml-syntax",
            f"YAML syntax error{f' at column {mark.column + 1}' if mark else ''}: {getattr(exc, 'problem', exc)}",
            file=str(path),
            line=(mark.line + 1) if mark else None,
        ) from None
    finally:
        loader.dispose()
    return data, node


def load_yaml_validated(path: Path, kind: str) -> Any:
    """Load ``path`` and validate it against the ``kind`` spec schema (study, raw, domain)."""
    return load_yaml_validated_with_node(path, kind)[0]


def load_yaml_validated_with_node(path: Path, kind: str) -> tuple[Any, yaml.Node | None]:
    """As :func:`load_yaml_validated`, also returning the YAML node tree (for line numbers)."""
    data, node = load_yaml(path)
    problems = key_problems(data, spec_schema(kind))
    if problems:
        lines = [key_line(node, list(p.path), p.key) for p in problems]
        first = min(range(len(problems)), key=lambda i: lines[i] or 0)
        p = problems[first]
        more = f" (and {len(problems) - 1} more key errors)" if len(problems) > 1 else ""
        raise fatal(
            "spec-key-misplaced" if p.misplaced else "spec-key-unknown",
            p.message + more,
            file=str(path),
            line=lines[first],
            extra={"all": [{"line": ln, "message": q.message} for ln, q in sorted(
                zip(lines, problems, strict=True), key=lambda t: t[0] or 0)]},
        )
    errors = list(_validator(kind).iter_errors(data))
    if errors:
        err = _best_error(errors)
        raise fatal(
            "spec-invalid",
            f"{kind} spec invalid {_describe(err)}",
            file=str(path),
            line=_line_of(node, list(err.absolute_path)),
        )
    return data, node
