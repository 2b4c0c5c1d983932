"""Unknown and misplaced keys of a spec file, read from its JSON Schema, named before any other schema error.

A JSON Schema reports a misspelt key late and sideways: ``algorith:`` fails the ``if``/``then`` of every
algorithm and surfaces as "'value' is a required property"; ``ct_verison:`` as a missing ``ct_version``. This
walk goes through the data and the schema together and, at each mapping whose schema closes its keys
(``additionalProperties: false`` in an applicable branch), lists the keys that no branch there allows:

- a key no branch at that place knows is *unknown*: ``unknown key 'algorith' (did you mean 'algorithm'?)``;
- a key another branch knows but the applicable ones do not (``value:`` with ``algorithm: assign_ct``) is
  *misplaced*: ``key 'value' is not allowed with algorithm 'assign_ct' (allowed: ...)``.

The allowed keys are the schema's own ``properties`` (following ``$ref``, ``allOf``, ``oneOf``/``anyOf``
and ``if``/``then``/``else``): there is no second list to keep in step.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema

_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


@dataclass(frozen=True)
class KeyProblem:
    path: tuple[Any, ...]  # JSON path of the mapping that holds the key
    key: str
    message: str
    misplaced: bool  # known elsewhere in the schema, not allowed here


def did_you_mean(word: str, choices: Any, cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` for the closest choice (difflib ratio >= ``cutoff``), or ``""``."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=cutoff)
    return f" (did you mean {close[0]!r}?)" if close else ""


def key_problems(data: Any, schema: dict[str, Any]) -> list[KeyProblem]:
    """Every unknown or misplaced key of ``data`` (document order of the walk: depth first, key order)."""
    walk = _Walk(schema)
    walk.visit(data, [schema], ())
    return walk.problems


def _type_ok(schema: Any, instance: Any) -> bool:
    if not isinstance(schema, dict) or "type" not in schema:
        return True
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    for kind in kinds:
        if kind in ("number", "integer"):
            if isinstance(instance, int | float) and not isinstance(instance, bool):
                return True
        elif kind == "boolean":
            if isinstance(instance, bool):
                return True
        elif isinstance(instance, _TYPES[kind]):
            return True
    return False


class _Walk:
    def __init__(self, root: dict[str, Any]):
        self.root = root
        self.validator = jsonschema.validators.validator_for(root)(root)
        self.problems: list[KeyProblem] = []
        self._seen: set[tuple[tuple[Any, ...], str]] = set()

    def _ref(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported in spec schemas: {ref}")
        node: Any = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def _holds(self, schema: Any, instance: Any) -> bool:
        return bool(self.validator.evolve(schema=schema).is_valid(instance))

    def branches(self, schema: Any, instance: Any, *, every: bool = False) -> Iterator[tuple[dict[str, Any], str]]:
        """The schema objects that apply to ``instance`` here, each with the condition that selected it.

        ``every``: also the ``then``/``else`` branches whose ``if`` does not select them (for "known elsewhere").
        """
        if not isinstance(schema, dict) or not _type_ok(schema, instance):
            return
        yield schema, ""
        if "$ref" in schema:
            yield from self.branches(self._ref(schema["$ref"]), instance, every=every)
        for sub in schema.get("allOf", []):
            yield from self.branches(sub, instance, every=every)
        for sub in [*schema.get("oneOf", []), *schema.get("anyOf", [])]:
            yield from self.branches(sub, instance, every=every)
        if "if" in schema:
            holds = self._holds(schema["if"], instance)
            for key, applies in (("then", holds), ("else", not holds)):
                if key in schema and (applies or every):
                    why = _condition(schema["if"]) if key == "then" else ""
                    for sub, inner in self.branches(schema[key], instance, every=every):
                        yield sub, inner or why

    def visit(self, instance: Any, schemas: list[Any], path: tuple[Any, ...]) -> None:
        if isinstance(instance, dict):
            self._visit_mapping(instance, schemas, path)
        elif isinstance(instance, list):
            for i, item in enumerate(instance):
                subs = [b["items"] for s in schemas for b, _ in self.branches(s, instance) if isinstance(b.get("items"), dict)]
                if subs:
                    self.visit(item, subs, (*path, i))

    def _visit_mapping(self, instance: dict[Any, Any], schemas: list[Any], path: tuple[Any, ...]) -> None:
        here = [(b, why) for s in schemas for b, why in self.branches(s, instance)]
        closed = any(b.get("additionalProperties") is False for b, _ in here)
        allowed = {k for b, _ in here for k in b.get("properties", {})}
        for key, value in instance.items():
            key_s = str(key)
            if closed and key_s not in allowed:
                self._report(instance, schemas, path, key_s, allowed, here)
                continue
            subs = []
            for b, _ in here:
                props = b.get("properties", {})
                if key_s in props:
                    subs.append(props[key_s])
                elif isinstance(b.get("additionalProperties"), dict):
                    subs.append(b["additionalProperties"])
            self.visit(value, [s for s in subs if isinstance(s, dict)], (*path, key_s))

    def _report(self, instance: dict[Any, Any], schemas: list[Any], path: tuple[Any, ...], key: str,
                allowed: set[str], here: list[tuple[dict[str, Any], str]]) -> None:
        if (path, key) in self._seen:
            return
        self._seen.add((path, key))
        known = {k for s in schemas for b, _ in self.branches(s, instance, every=True) for k in b.get("properties", {})}
        if key in known:
            why = next((w for b, w in here if w and b.get("additionalProperties") is False), "")
            where = f" with {why}" if why else " here"
            message = f"key {key!r} is not allowed{where} (allowed: {', '.join(sorted(allowed))})"
            self.problems.append(KeyProblem(path, key, message, True))
        else:
            self.problems.append(KeyProblem(path, key, f"unknown key {key!r}{did_you_mean(key, allowed)}", False))


def _condition(schema: Any) -> str:
    """``algorithm 'assign_ct'`` for an ``if`` of the form ``{properties: {algorithm: {const: ...}}}``."""
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    for name, sub in props.items():
        if isinstance(sub, dict) and "const" in sub:
            return f"{name} {sub['const']!r}"
    return ""
