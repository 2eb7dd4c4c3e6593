"""Validate sandbox responses strictly against the official Mirakl seller OpenAPI document.

``$ref``s and ``allOf`` are resolved into plain JSON Schema (Draft 2020-12), then tightened:

- ``format`` is checked: ``date-time`` (RFC 3339 with a time zone), ``date``, ``int32``/``int64``
  (JSON integers in range: not strings, not floats such as ``12.0``), ``uuid``. Mirakl's own
  ``"with decimals"`` is left to ``type: number``.
- Enums the spec writes only into a description (``Enum: `"A"`, `"B"```, plus any
  ``Deprecated values:`` of the same form) become ``enum``.
- An object schema that declares ``properties`` allows no other key (unless it says
  ``additionalProperties`` itself); a discriminator picks the subtype's properties.
- A top-level JSON array is accepted only where the schema is a file of records
  (``*_Ext_FileStructure``, ``format: binary``, e.g. OF54); anywhere else the declared type holds.

The spec cannot say "nullable" (its 3.1 schemas never list "null"), while Mirakl prints absent
values as null; so a property may be null when it is optional, or when it is required and its
description says it may be null (e.g. OR11 addresses "Null before shipping").
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re

import jsonschema

from tests.support.mirakl_spec import spec

_DROPPED = ("example", "examples", "discriminator", "allOf", "$ref")
_ENUM = re.compile(r'^Enum: (`"[^"`]*"`(?:, `"[^"`]*"`)*)[ \t]*$', re.MULTILINE)
_DEPRECATED = re.compile(r'^\s*Deprecated values: (`"[^"`]*"`(?:, `"[^"`]*"`)*)[ \t]*$', re.M)
_QUOTED = re.compile(r'`"([^"`]*)"`')
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_INT_RANGES = {"int32": 2**31, "int64": 2**63}


@functools.cache
def operations() -> dict[str, dict]:
    found = {}
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = {**operation, "_path": path, "_method": method}
    return found


# --- formats -------------------------------------------------------------------------------

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        raise ValueError("not RFC 3339 with a time zone")
    dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("not YYYY-MM-DD")
        dt.date.fromisoformat(value)
    return True


@FORMATS.checks("uuid")
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(_UUID.fullmatch(value))


def _int_checker(bound: int):
    def check(value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return True  # other types are for ``type`` to reject
        return isinstance(value, int) and -bound <= value < bound

    return check


for _name, _bound in _INT_RANGES.items():
    FORMATS.checks(_name)(_int_checker(_bound))


# --- resolution ----------------------------------------------------------------------------


def _target(ref: str) -> dict:
    target = spec()
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return target


def _description_enum(description: str) -> list[str] | None:
    found = _ENUM.search(description)
    if found is None:
        return None
    values = _QUOTED.findall(found.group(1))
    deprecated = _DEPRECATED.search(description)
    if deprecated:
        values += _QUOTED.findall(deprecated.group(1))
    return values


def _flatten(node: dict, stack: tuple[str, ...]) -> tuple[dict, tuple[str, ...]]:
    """One dict from ``$ref`` + ``allOf`` (subtypes list their base there), node's keys win.

    Also returns the refs expanded, so that a structure containing itself is cut off.
    """
    if node.get("$ref") in stack:
        return {}, stack  # a recursive structure: stop checking below this point
    merged: dict = {}
    refs = ([node["$ref"]] if "$ref" in node else []) + [
        part["$ref"] for part in node.get("allOf", []) if "$ref" in part
    ]
    for ref in refs:
        base, stack = _flatten(_target(ref), (*stack, ref))
        if "allOf" in node:
            base.pop("discriminator", None)  # a subtype must not dispatch back to itself
        merged = _merge(merged, base)
    own = {k: v for k, v in node.items() if k not in ("$ref", "allOf")}
    return _merge(merged, own), stack


def _merge(base: dict, extra: dict) -> dict:
    out = {**base, **extra}
    if "properties" in base or "properties" in extra:
        out["properties"] = {**base.get("properties", {}), **extra.get("properties", {})}
    if "required" in base or "required" in extra:
        out["required"] = sorted({*base.get("required", []), *extra.get("required", [])})
    return out


def _resolve(node, stack: tuple[str, ...] = ()):
    if isinstance(node, list):
        return [_resolve(item, stack) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node or "allOf" in node:
        node, stack = _flatten(node, stack)
    skip = (*_DROPPED, "properties")
    out = {key: _resolve(value, stack) for key, value in node.items() if key not in skip}
    if "properties" in node:
        out["properties"] = {name: _resolve(p, stack) for name, p in node["properties"].items()}
        out.setdefault("additionalProperties", False)
    if node.get("type") == "string" and "enum" not in node:
        values = _description_enum(node.get("description") or "")
        if values:
            out["enum"] = values
    if "discriminator" in node:
        return _dispatch(node["discriminator"], out, stack)
    return out


def _dispatch(discriminator: dict, base: dict, stack: tuple[str, ...]) -> dict:
    """``if <property> == X then subtype X else ...``, ending with the base itself."""
    name = discriminator["propertyName"]
    if name not in base.get("properties", {}) and f"@{name}" in base.get("properties", {}):
        name = f"@{name}"  # e.g. IV01 payment_info: the mapping says "type", the body "@type"
    schema = base
    for value, ref in reversed(list((discriminator.get("mapping") or {}).items())):
        subtype = _resolve({"$ref": ref}, stack)
        condition = {"properties": {name: {"const": value}}, "required": [name]}
        schema = {"if": condition, "then": subtype, "else": schema}
    return schema


def _may_be_null(schema: dict, required: bool) -> bool:
    return not required or "null" in (schema.get("description") or "").lower()


def _nullable(schema):
    if isinstance(schema, list):
        return [_nullable(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _nullable(value) for key, value in schema.items() if key != "properties"}
    if "properties" in schema:
        required = set(schema.get("required", []))
        out["properties"] = {
            name: (
                {"anyOf": [{"type": "null"}, _nullable(prop)]}
                if _may_be_null(prop, name in required)
                else _nullable(prop)
            )
            for name, prop in schema["properties"].items()
        }
    return out


def schema_for(code: str, status: str, content_type: str = "application/json") -> dict | None:
    """The strict JSON Schema of one response, or None if the spec declares no such content."""
    return _schema(code, status, content_type)


@functools.cache
def _schema(code: str, status: str, content_type: str) -> dict | None:
    response = operations()[code]["responses"][status]
    content = (response.get("content") or {}).get(content_type)
    if content is None:
        return None
    return _nullable(_resolve(content["schema"]))


def _is_record_file(code: str, status: str, content_type: str) -> bool:
    declared = operations()[code]["responses"][status]["content"][content_type]["schema"]
    return declared.get("format") == "binary" and "FileStructure" in declared.get("$ref", "")


def validate_body(code: str, status: str, body: object, content_type: str = "application/json"):
    """Raise ``jsonschema.ValidationError`` (the most relevant one) if ``body`` breaks the spec."""
    schema = _schema(code, status, content_type)
    records = isinstance(body, list) and _is_record_file(code, status, content_type)
    validator = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
    for item in body if records else [body]:
        errors = list(validator.iter_errors(item))
        if errors:
            error = jsonschema.exceptions.best_match(errors)
            for other in errors:
                where = "/".join(map(str, other.absolute_path))
                error.add_note(f"{code}: {where}: {other.message}")
            raise error


def assert_conforms(code: str, response) -> None:
    """The status is one the spec lists for ``code`` and the body matches its schema."""
    responses = operations()[code]["responses"]
    status = str(response.status_code)
    assert status in responses, f"{code}: status {status} not in spec {sorted(responses)}"
    declared = responses[status].get("content") or {}
    if not declared:
        assert response.content == b"", f"{code}: {status} must have no body"
        return
    content_type = response["Content-Type"].split(";")[0]
    assert content_type in declared, f"{code}: {content_type} not in {sorted(declared)}"
    if content_type != "application/json":
        return
    validate_body(code, status, json.loads(response.content), content_type)


def error_conforms(response, status: int) -> None:
    """A Mirakl error: JSON ``{"status": <int>, "message": <text>}`` with that HTTP status."""
    assert response.status_code == status
    assert response["Content-Type"].split(";")[0] == "application/json"
    body = json.loads(response.content)
    assert body["status"] == status and isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"status", "message", "code"}, sorted(body)
