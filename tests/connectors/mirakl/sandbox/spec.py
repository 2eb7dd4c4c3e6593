"""Validate sandbox responses against the official Mirakl seller OpenAPI document.

``$ref``s are resolved into plain JSON Schema. The spec cannot say "nullable" (its 3.1 schemas
never list "null"), while Mirakl prints absent values as null; so a property may be null when it
is optional, or when its description says it is null in some cases (e.g. OR11 addresses "Null
before shipping"). Everything else (types, enums, required keys) is checked strictly.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema

SPEC_PATH = (
    Path(__file__).resolve().parents[4] / "connectors/mirakl/openapi/mirakl-mmp-seller-openapi.json"
)


@functools.cache
def spec() -> dict:
    return json.loads(SPEC_PATH.read_text())


@functools.cache
def operations() -> dict[str, dict]:
    found = {}
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = {**operation, "_path": path, "_method": method}
    return found


def _resolve(node, depth=0):
    if isinstance(node, list):
        return [_resolve(item, depth) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _resolve(merged, depth + 1)
    skip = ("example", "examples", "format")
    return {key: _resolve(value, depth) for key, value in node.items() if key not in skip}


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


@functools.cache
def _schema(code: str, status: str, content_type: str) -> dict | None:
    response = operations()[code]["responses"][status]
    content = (response.get("content") or {}).get(content_type)
    if content is None:
        return None
    return _nullable(_resolve(content["schema"]))


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
    body = json.loads(response.content)
    schema = _schema(code, status, content_type)
    for item in body if isinstance(body, list) else [body]:
        jsonschema.validate(item, schema, cls=jsonschema.Draft202012Validator)
