"""The official Mirakl seller OpenAPI spec as the judge of every request the client sends.

:func:`request_check` raises :class:`SpecViolation` (a PermanentError; nothing is sent) when
the spec does not allow a request; what it checks is listed in ``docs/connectors/mirakl.md``,
"The spec as judge". Where the spec is not enough on its own:

* paging: the spec's paging section is an unvendored partial, so the parameters come from
  each operation's description ("supports offset/seek pagination", "Sort fields", "maximum
  allowed value for parameter limit") with the General Notes' limits (see OFFSET_MAX).
* ``maximum: 100`` on a csv *string* (OR11 ``order_ids``) caps the values at 100.
* the ``Enum: `"A"`, `"B"``` lists the spec writes in descriptions are enforced (deprecated
  values allowed). Objects that list ``properties`` are closed: the spec never says
  ``additionalProperties``, and a field Mirakl does not document is the drift this check
  exists to catch. A discriminated schema is checked as the subtype its discriminator names.

A test tool: the Mirakl client tests (tests/connectors/mirakl/conftest.py) and the demo-loop
test set it as ``MiraklHttp.default_request_validator``, so every request they make is judged.
Imports no hub models and no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jsonschema

from connectors.base import PermanentError
from connectors.http import json_dumps

SPEC_PATH = (
    Path(__file__).resolve().parents[2] / "connectors/mirakl/openapi/mirakl-mmp-seller-openapi.json"
)

DYNAMIC_PREFIX = "/dynamic-url/"
# Mirakl General Notes (docs/reference/mirakl-seller-api.md section 2, Pagination): offset
# ``max`` at most 100; seek ``limit`` at most 100 unless the operation names another maximum.
OFFSET_MAX = 100
SEEK_LIMIT_MAX = 100
CSV_IMPORTS = ("STO01", "PRI01", "OF01")
# Imports whose columns are the operator's attributes (no list in the spec): only the shape of
# the CSV is judged (see product_csv_check).
PRODUCT_CSV_IMPORTS = ("P41",)


class SpecViolation(PermanentError):
    """A request the official Mirakl seller spec does not allow; it was not sent."""


@dataclass(frozen=True)
class Operation:
    code: str
    method: str
    template: str
    spec: dict

    @property
    def where(self) -> str:
        return f"Mirakl {self.code} {self.method} {self.template}"


# --- the spec ---------------------------------------------------------------------------


@functools.cache
def spec() -> dict:
    return json.loads(SPEC_PATH.read_text())


@functools.cache
def operations() -> dict[str, Operation]:
    """Every spec operation by operationId (OR11, TL02 ...)."""
    found = {}
    for template, item in spec()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                code = operation["operationId"]
                found[code] = Operation(code, method.upper(), template, operation)
    return found


@functools.cache
def _routes() -> list[tuple[re.Pattern, Operation]]:
    routes = []
    for operation in operations().values():
        if operation.template.startswith(DYNAMIC_PREFIX):
            continue
        regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(operation.template))
        routes.append((re.compile(f"^{regex}$"), operation))
    # a literal segment beats a placeholder (/api/offers/states before /api/offers/{offer})
    routes.sort(key=lambda route: route[1].template.count("{"))
    return routes


def operation_for(method: str, path: str) -> Operation:
    """The spec operation serving ``method`` on ``path`` (relative to the instance root)."""
    method = method.upper()
    matches = [operation for regex, operation in _routes() if regex.match(path)]
    if not matches:
        raise SpecViolation(f"Mirakl {method} {path}: no path of the seller spec matches")
    for operation in matches:
        if operation.method == method and _path_params_fit(operation, path):
            return operation
    allowed = sorted({f"{o.method} {o.template}" for o in matches})
    raise SpecViolation(f"Mirakl {method} {path}: the spec allows only {', '.join(allowed)}")


def _path_params_fit(operation: Operation, path: str) -> bool:
    types = {
        p["name"]: p["schema"].get("type")
        for p in operation.spec.get("parameters", [])
        if p["in"] == "path"
    }
    for template_part, part in zip(operation.template.split("/"), path.split("/"), strict=True):
        name = template_part[1:-1] if template_part.startswith("{") else None
        if name and types.get(name) == "integer" and not part.isdigit():
            return False
    return True


# --- entry point ------------------------------------------------------------------------


def request_check(
    method: str,
    url_or_path: str,
    params: Iterable[tuple[str, str]] = (),
    json_body: Any = None,
    files: Mapping[str, Any] | None = None,
    *,
    op: str | None = None,
    base_url: str | None = None,
) -> None:
    """Raise SpecViolation unless the spec allows this request (see the module docstring).

    ``url_or_path`` is a path below the instance root or an absolute URL; ``base_url`` (the
    client's instance root, possibly with a path prefix) says which host and prefix to strip.
    ``op`` is the operation code the caller believes it sends; a different match is reported.
    """
    parts = urlsplit(url_or_path)
    if parts.scheme and op in operations() and _is_dynamic(op):
        return
    path = _relative_path(parts, base_url)
    if path is None:
        return  # another host (a presigned download link): not a Mirakl API call
    params = [*parse_qsl(parts.query, keep_blank_values=True), *params]
    operation = operation_for(method, path)
    if op in operations() and op != operation.code:
        raise SpecViolation(
            f"{operation.where}: sent as {op}, but the spec calls it {operation.code}"
        )
    query_check(operation, params)
    body_check(operation, json_body, files)


def _is_dynamic(op: str) -> bool:
    return operations()[op].template.startswith(DYNAMIC_PREFIX)


def _relative_path(parts, base_url: str | None) -> str | None:
    if not parts.scheme:
        return parts.path
    path = parts.path
    if base_url is None:
        at = path.find("/api/")
        return path[at:] if at >= 0 else path
    base = urlsplit(base_url.rstrip("/").removesuffix("/api"))
    if parts.netloc != base.netloc:
        return None
    prefix = base.path.rstrip("/")
    return path[len(prefix) :] if prefix and path.startswith(prefix + "/") else path


# --- query parameters -------------------------------------------------------------------


def query_check(operation: Operation, params: Iterable[tuple[str, str]]) -> None:
    """Names, presence, repetition and values of the query parameters."""
    declared = query_parameters(operation.code)
    given: dict[str, list[str]] = {}
    for name, value in params:
        given.setdefault(name, []).append(str(value))
    for name in given:
        if name not in declared:
            raise SpecViolation(f"{operation.where}: query parameter {name!r} is not in the spec")
    for name, schema in declared.items():
        values = given.get(name)
        if values is None:
            if schema.get("x-required"):
                raise SpecViolation(f"{operation.where}: required query parameter {name!r} missing")
            continue
        problem = _query_value_problem(schema, values)
        if problem:
            raise SpecViolation(f"{operation.where}: query parameter {name!r} {problem}")


@functools.cache
def query_parameters(code: str) -> dict[str, dict]:
    """Query parameter name -> schema (plus ``x-required``, ``x-csv``) for one operation."""
    operation = operations()[code].spec
    found = {}
    for param in operation.get("parameters", []):
        if param["in"] != "query":
            continue
        text = (param.get("description") or "") + (param["schema"].get("description") or "")
        found[param["name"]] = {
            **param["schema"],
            "x-required": bool(param.get("required")),
            "x-csv": bool(re.search(r"comma|separated by", text, re.I)),
        }
    found.update(_paging_parameters(operation.get("description") or ""))
    return found


def _paging_parameters(description: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    sort_block = re.search(r"Sort fields</div>(.*?)</ul>", description, re.S)
    sorts = re.findall(r"<li><b>(\w+)</b>", sort_block.group(1)) if sort_block else []
    if "supports offset pagination" in description:
        found["max"] = {"type": "integer", "minimum": 1, "maximum": OFFSET_MAX}
        found["offset"] = {"type": "integer", "minimum": 0}
        found["paginate"] = {"type": "boolean"}
        found["order"] = {"type": "string", "enum": ["asc", "desc"]}
    if "supports seek pagination" in description:
        limit = re.search(r"maximum allowed value for parameter <code>limit</code> is "
                          r"<code>(\d+)</code>", description)  # fmt: skip
        maximum = int(limit.group(1)) if limit else SEEK_LIMIT_MAX
        found["limit"] = {"type": "integer", "minimum": 1, "maximum": maximum}
        found["page_token"] = {"type": "string"}
    if sorts:
        found["sort"] = {"type": "string", "x-sort": sorts}
    if re.search(r"supports <code>locale</code> parameter", description):
        found["locale"] = {"type": "string"}
    return found


def _query_value_problem(schema: dict, values: list[str]) -> str | None:
    if schema.get("type") == "array":
        if schema.get("x-csv"):
            values = [item for value in values for item in value.split(",")]
        return _array_problem(schema, values)
    if len(values) > 1:
        return f"is given {len(values)} times; the spec declares one value"
    value = values[0]
    if "x-sort" in schema:
        return _sort_problem(schema["x-sort"], value)
    if schema.get("x-csv"):
        items = value.split(",")
        if "maximum" in schema and len(items) > schema["maximum"]:
            return f"lists {len(items)} values; the spec allows at most {schema['maximum']}"
        return next(filter(None, (_scalar_problem(schema, item) for item in items)), None)
    return _scalar_problem(schema, value)


def _array_problem(schema: dict, items: list[str]) -> str | None:
    most = schema.get("maxItems", schema.get("maximum"))
    if most is not None and len(items) > most:
        return f"has {len(items)} values; the spec allows at most {most}"
    if len(items) < schema.get("minItems", 0):
        return f"has {len(items)} values; the spec wants at least {schema['minItems']}"
    item_schema = schema.get("items") or {}
    return next(filter(None, (_scalar_problem(item_schema, item) for item in items)), None)


def _scalar_problem(schema: dict, value: str) -> str | None:
    kind = schema.get("type")
    if kind == "integer":
        return _integer_problem(schema, value)
    if kind == "boolean" and value not in ("true", "false"):
        return f"= {value!r} is not a boolean (true/false)"
    if "enum" in schema and value not in schema["enum"]:
        return f"= {value!r} is not one of the spec's values {schema['enum']}"
    if schema.get("format") == "date-time" and not _is_date_time(value):
        return f"= {value!r} is not an ISO-8601 date-time"
    if len(value) > schema.get("maxLength", len(value)):
        return f"= {value!r} is longer than {schema['maxLength']}"
    if len(value) < schema.get("minLength", 0):
        return f"= {value!r} is shorter than {schema['minLength']}"
    return None


def _integer_problem(schema: dict, value: str) -> str | None:
    if not re.fullmatch(r"-?\d+", value):
        return f"= {value!r} is not an integer"
    if "maximum" in schema and int(value) > schema["maximum"]:
        return f"= {value} is above the spec maximum {schema['maximum']}"
    if "minimum" in schema and int(value) < schema["minimum"]:
        return f"= {value} is below the spec minimum {schema['minimum']}"
    return None


def _sort_problem(fields: list[str], value: str) -> str | None:
    field, _, direction = value.partition(",")
    if field not in fields:
        return f"= {value!r}: the spec sorts only by {fields}"
    if direction and direction.upper() not in ("ASC", "DESC"):
        return f"= {value!r}: the direction must be ASC or DESC"
    return None


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


# --- bodies -----------------------------------------------------------------------------


def body_check(operation: Operation, json_body: Any, files: Mapping[str, Any] | None) -> None:
    """The JSON body or the multipart parts against the operation's requestBody."""
    content = (operation.spec.get("requestBody") or {}).get("content") or {}
    if json_body is not None:
        if "application/json" not in content:
            raise SpecViolation(f"{operation.where}: the spec declares no JSON body")
        _json_check(operation, json_body)
    elif files:
        if "multipart/form-data" not in content:
            raise SpecViolation(f"{operation.where}: the spec declares no multipart body")
        multipart_check(operation, files)
    elif content and _body_required(operation.code):
        raise SpecViolation(f"{operation.where}: the spec requires a request body")


@functools.cache
def _body_required(code: str) -> bool:
    content = operations()[code].spec["requestBody"]["content"]
    return any(_deref(c["schema"]).get("required") for c in content.values())


def _json_check(operation: Operation, json_body: Any) -> None:
    # validate what goes on the wire: Decimal as a JSON number, ints as ints
    wire = json.loads(json_dumps(json_body), parse_float=Decimal)
    errors = sorted(request_validator(operation.code).iter_errors(wire), key=_error_order)
    if errors:
        shown = "; ".join(_error_text(e) for e in errors[:3])
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        raise SpecViolation(f"{operation.where}: request body {shown}{more}")


def _error_order(error) -> tuple:
    return (len(error.absolute_path), list(map(str, error.absolute_path)))


def _error_text(error) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return f"{where or '(root)'}: {error.message}"


_FORMATS = jsonschema.FormatChecker(formats=())
_FORMATS.checks("date-time")(_is_date_time)


@functools.cache
def request_validator(code: str) -> jsonschema.Draft202012Validator:
    """A validator for the JSON requestBody of ``code`` (closed objects, see module doc)."""
    schema = operations()[code].spec["requestBody"]["content"]["application/json"]["schema"]
    return jsonschema.Draft202012Validator(request_schema(schema), format_checker=_FORMATS)


def request_schema(node: Any) -> Any:
    """A spec schema node as plain, closed JSON Schema (refs resolved, enums enforced)."""
    if not isinstance(node, dict):
        return node
    node = _deref(node)
    if "discriminator" in node:
        return _polymorphic(node)
    return _plain(node)


def _deref(node: dict, depth: int = 0) -> dict:
    while "$ref" in node:
        if depth > 20:
            raise ValueError(f"$ref chain too deep at {node['$ref']}")
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        depth += 1
    return node


_DROPPED = {"example", "examples", "discriminator", "allOf", "deprecated", "description"}


def _plain(node: dict) -> dict:
    node = _merge_all_of(node)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED:
            continue
        if key == "properties":
            out[key] = {name: request_schema(prop) for name, prop in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = request_schema(value)
        elif key in ("oneOf", "anyOf"):
            out[key] = [request_schema(item) for item in value]
        else:
            out[key] = value
    enum = description_enum(node.get("description") or "")
    if enum and out.get("type") == "string" and "enum" not in out:
        out["enum"] = enum
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def _merge_all_of(node: dict) -> dict:
    if "allOf" not in node:
        return node
    properties: dict[str, Any] = {}
    required: list[str] = []
    kind = node.get("type")
    for part in [*node["allOf"], {k: v for k, v in node.items() if k != "allOf"}]:
        part = _merge_all_of(_deref(part))
        properties.update(part.get("properties") or {})
        required += [name for name in part.get("required") or [] if name not in required]
        kind = kind or part.get("type")
    merged = {k: v for k, v in node.items() if k not in ("allOf", "properties", "required")}
    merged.update(type=kind or "object", properties=properties)
    if required:
        merged["required"] = required
    return merged


def _polymorphic(node: dict) -> dict:
    name = node["discriminator"]["propertyName"]
    mapping = node["discriminator"]["mapping"]
    base = {k: v for k, v in node.items() if k != "discriminator"}
    branches, subtypes = [], []
    for value, ref in mapping.items():
        sub = _deref({"$ref": ref})
        own = [p for p in sub.get("allOf") or [] if "discriminator" not in _deref(p)]
        subtypes.append(_plain({**sub, "allOf": [base, *own]}))
        condition = {"properties": {name: {"const": value}}, "required": [name]}
        branches.append({"if": condition, "then": subtypes[-1]})
    # without the discriminator Mirakl cannot pick a subtype for us: fit at least one
    branches.append({"if": {"not": {"required": [name]}}, "then": {"anyOf": subtypes}})
    return {"type": "object", "properties": {name: {"enum": list(mapping)}}, "allOf": branches}


def description_enum(description: str) -> list[str]:
    """Values of a spec description's ``Enum: `"A"`, `"B"``` line (deprecated ones too)."""
    values: list[str] = []
    for label in ("Enum:", "Deprecated values:"):
        line = re.search(rf"{label} ((?:`\"[^`]*\"`(?:, )?)+)", description)
        if line:
            values += re.findall(r'`"([^`]*)"`', line.group(1))
    return values


# --- multipart imports ------------------------------------------------------------------


def multipart_check(operation: Operation, files: Mapping[str, Any]) -> None:
    """Part names, required parts, simple part values and (STO01/PRI01/OF01) the CSV header."""
    schema = _merge_all_of(_deref(_multipart_schema(operation.code)))
    properties = schema.get("properties") or {}
    for name in files:
        if name not in properties:
            raise SpecViolation(
                f"{operation.where}: multipart part {name!r} is not in the spec "
                f"(parts: {sorted(properties)})"
            )
    for name in schema.get("required") or []:
        if name not in files:
            raise SpecViolation(f"{operation.where}: required multipart part {name!r} missing")
    values = {name: _part_value(part) for name, part in files.items()}
    for name, value in values.items():
        problem = _part_problem(_deref(properties[name]), value)
        if problem:
            raise SpecViolation(f"{operation.where}: multipart part {name!r} {problem}")
    if operation.code in CSV_IMPORTS and "file" in values and _columns_checkable(values):
        csv_header_check(operation, values["file"])
    if operation.code in PRODUCT_CSV_IMPORTS and "file" in values:
        product_csv_check(operation, values["file"])


def _multipart_schema(code: str) -> dict:
    return operations()[code].spec["requestBody"]["content"]["multipart/form-data"]["schema"]


def _part_value(part: Any) -> bytes | str:
    """The content of one ``requests`` files entry (bytes, str, file, or a tuple of those)."""
    if isinstance(part, tuple):
        part = part[1]
    if hasattr(part, "read"):
        content = part.read()
        if hasattr(part, "seek"):
            part.seek(0)
        return content
    return part


def _part_problem(schema: dict, value: bytes | str) -> str | None:
    if schema.get("format") == "binary" or schema.get("type") == "array":
        return None
    text = value.decode() if isinstance(value, bytes) else str(value)
    if schema.get("type") == "boolean" and text not in ("true", "false"):
        return f"= {text!r} is not a boolean (true/false)"
    enum = description_enum(schema.get("description") or "")
    if enum and text not in enum:
        return f"= {text!r} is not one of the spec's values {enum}"
    return None


def _columns_checkable(values: Mapping[str, bytes | str]) -> bool:
    with_products = values.get("with_products", b"false")
    text = with_products.decode() if isinstance(with_products, bytes) else str(with_products)
    return text != "true"  # OF01 with products: operator attribute columns, not in the spec


def csv_header_check(operation: Operation, content: bytes | str) -> None:
    """Every column of the file's header row is one the spec documents for the operation."""
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    header = next(csv.reader(io.StringIO(first), delimiter=";"), [])
    if not header:
        raise SpecViolation(f"{operation.where}: the CSV file has no header row")
    known = documented_columns(operation.code)
    unknown = [column for column in header if not column_documented(column, known)]
    if unknown:
        raise SpecViolation(
            f"{operation.where}: CSV column(s) {unknown} are not documented by the spec "
            f"(documented: {sorted(known)})"
        )
    if len(set(header)) != len(header):
        raise SpecViolation(f"{operation.where}: the CSV header repeats a column: {header}")


def product_csv_check(operation: Operation, content: bytes | str) -> None:
    """A P41 file: UTF-8, a ``;`` header of distinct, non-blank names (no ``,`` or tab in
    one: that is another separator), and every line as many cells as the header."""
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError:
        raise SpecViolation(f"{operation.where}: the CSV file is not UTF-8") from None
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    except csv.Error as error:
        raise SpecViolation(f"{operation.where}: the CSV file is not readable: {error}") from None
    header = rows[0] if rows else []
    if not header or any(not name.strip() for name in header):
        raise SpecViolation(f"{operation.where}: the CSV header is missing or has a blank name")
    if any("," in name or "\t" in name for name in header):
        raise SpecViolation(f"{operation.where}: the CSV header is not ';'-separated: {header}")
    if len(set(header)) != len(header):
        raise SpecViolation(f"{operation.where}: the CSV header repeats a column: {header}")
    for number, cells in enumerate(rows[1:], start=2):
        if cells and len(cells) != len(header):
            raise SpecViolation(
                f"{operation.where}: CSV line {number} has {len(cells)} cells, the header "
                f"{len(header)}"
            )


_QUOTED_COLUMN = re.compile(r'"([a-z][a-z0-9-]*(?:\[[^\]"]+\])?)"')
_CODE_COLUMN = re.compile(r"<code>([a-z][a-z0-9-]*(?:\[[^\]<]+\])?)</code>")


@functools.cache
def documented_columns(code: str) -> frozenset[str]:
    """CSV columns the spec documents for an import: read from the ``file`` part's
    description (quoted ``"offer-sku";"quantity"`` lists and ``<code>column</code>`` names)
    and from the header row of every multipart example. ``name[...]`` entries stand for a
    family (``price[channel=channel code]`` allows ``price[channel=FR]``)."""
    content = operations()[code].spec["requestBody"]["content"]["multipart/form-data"]
    schema = _deref(content["schema"])
    parts = set(schema.get("properties") or {})
    description = _deref(schema["properties"]["file"]).get("description") or ""
    columns = set(_QUOTED_COLUMN.findall(description)) | set(_CODE_COLUMN.findall(description))
    for example in (content.get("examples") or {}).values():
        file_text = (example.get("value") or {}).get("file") or ""
        if "\n" in file_text:
            columns.update(next(csv.reader(io.StringIO(file_text), delimiter=";")))
    return frozenset(columns - parts)


def column_documented(column: str, known: frozenset[str]) -> bool:
    if column in known:
        return True
    family = re.fullmatch(r"([a-z][a-z0-9-]*)\[([^\]=]+=)?[^\]]+\]", column)
    if not family:
        return False
    name, key = family.group(1), family.group(2)
    inside = re.escape(key) + r"[^\]]+" if key else r"[^\]=]+"
    return any(re.fullmatch(rf"{re.escape(name)}\[{inside}\]", k) for k in known)


__all__ = [
    "Operation",
    "SpecViolation",
    "documented_columns",
    "operation_for",
    "operations",
    "request_check",
]
