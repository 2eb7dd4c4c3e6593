"""Fulfil's HTTP surface: the v2 model API and the v3 JSON-RPC endpoint.

Every view: fault injection first (errors in the API's own shape, 5xx with ``X-Sentry-ID``),
then ``X-API-KEY``, then the per-minute rate limit (429 + Retry-After; -32003 on v3). v2 reads
the ``context`` query parameter the official client sends (``res.user.get_preferences``) and
speaks its JSON (``codec``); v3 speaks plain JSON with ISO strings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse

from connectors.fulfil.sandbox import codec, records, services
from connectors.fulfil.sandbox.records import UserError
from connectors.sandbox.faults import ErrorBody, sandbox_now, sandbox_view
from connectors.sandbox.formats import token_decode, token_encode

SYSTEM = "fulfil"
MAX_PER_PAGE = 500


# --- JSON -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def v2_json(data: Any, status: int = 200, headers: dict | None = None) -> HttpResponse:
    body = codec.dumps(data)
    return HttpResponse(body, status=status, content_type="application/json", headers=headers)


def v2_error_body(status: int, message: str) -> dict:
    return {"code": status, "message": message, "description": ""}


def rpc_error_body(status: int, message: str, request_id: Any = None) -> dict:
    code = {401: -32000, 403: -32001, 404: -32002, 429: -32003, 400: -32602}.get(status, -32603)
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


def _with_sentry(response: HttpResponse) -> HttpResponse:
    if response.status_code >= 500:
        response["X-Sentry-ID"] = uuid.uuid4().hex
    return response


# --- the common steps ---------------------------------------------------------------------------


def _refusal(
    request: HttpRequest, error_body: ErrorBody, answer: Callable[..., HttpResponse]
) -> HttpResponse | None:
    """401 without the account's ``X-API-KEY``, 429 over the per-minute limit, else None."""
    key = request.headers.get("X-API-KEY", "")
    if not key or key != services.account_get().api_key:
        message = "Authentication failed: missing or invalid API key"
        return answer(error_body(401, message), 401)
    wait = services.call_count(sandbox_now(SYSTEM))
    if wait is not None:
        body = error_body(429, "Rate limit exceeded, slow down")
        return answer(body, 429, {"Retry-After": str(wait)})
    return None


def _v2_view(handler):
    @sandbox_view(SYSTEM, v2_error_body, on_fault=_with_sentry)
    def view(request: HttpRequest, **kwargs) -> HttpResponse:
        refused = _refusal(request, v2_error_body, v2_json)
        if refused is not None:
            return refused
        try:
            return handler(request, **kwargs)
        except UserError as error:
            body = {"type": "UserError", "message": error.message, "code": 400}
            body["description"] = error.description
            return v2_json(body, status=400)

    return view


# --- v2 ---------------------------------------------------------------------------------------


def _json_param(request: HttpRequest, name: str, default: Any) -> Any:
    raw = request.GET.get(name)
    if not raw:
        return default
    try:
        return codec.loads(raw)
    except ValueError:
        raise UserError(f'Invalid JSON in parameter "{name}".') from None


def _context(request: HttpRequest) -> dict:
    context = _json_param(request, "context", {})
    if not isinstance(context, dict):
        raise UserError('The parameter "context" must be a JSON object.')
    return context


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name) or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise UserError(f'Invalid value "{raw}" for parameter "{name}".')
    return int(raw)


@_v2_view
def model_list(request: HttpRequest, model: str) -> HttpResponse:
    """GET /api/v2/model/<model>?filter=<domain>&page=&per_page=&field=&order="""
    records.spec(model)  # an unknown model is refused first
    _context(request)
    domain = _json_param(request, "filter", []) or []
    order = _json_param(request, "order", []) or []
    page = _int_param(request, "page", 1)
    per_page = min(_int_param(request, "per_page", 10), MAX_PER_PAGE)
    fields = [f for raw in request.GET.getlist("field") for f in raw.split(",") if f]
    queryset = records.search(model, records.domain_q(model, domain), order)
    rows = queryset[(page - 1) * per_page : page * per_page]
    return v2_json([records.record_read(model, obj, fields) for obj in rows])


@_v2_view
def model_read(request: HttpRequest, model: str, record_id: int) -> HttpResponse:
    """GET /api/v2/model/<model>/<id>: every plain field of one record."""
    model_class, fields = records.spec(model)
    _context(request)
    obj = model_class.objects.filter(pk=record_id).first()
    if obj is None:
        return v2_json(v2_error_body(404, f"Record {model},{record_id} does not exist."), 404)
    return v2_json(records.record_read(model, obj, list(fields)))


def _args(request: HttpRequest) -> list:
    try:
        args = codec.loads(request.body or b"[]")
    except ValueError:
        raise UserError("The request body is not valid JSON.") from None
    if not isinstance(args, list):
        raise UserError("The request body must be a JSON array of arguments.")
    return args


def _search_read(model: str, args: list) -> list[dict]:
    domain, offset, limit, order, fields = (args + [None] * 5)[:5]
    _, spec_fields = records.spec(model)
    queryset = records.search(model, records.domain_q(model, domain or []), order or [])
    offset = int(offset or 0)
    rows = queryset[offset : offset + int(limit)] if limit else queryset[offset:]
    names = fields or [name for name, f in spec_fields.items() if f.kind != "x2m"]
    return [records.record_read(model, obj, names) for obj in rows]


def _ids(args: list) -> list[int]:
    ids = args[0] if args else None
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise UserError("The first argument must be a list of record ids.")
    return ids


CREATORS = {
    "sale.sale": services.sale_create,
    "party.address": services.address_create,
    "party.contact_mechanism": services.contact_mechanism_create,
}


def _create(model: str, args: list, context: dict) -> list[int]:
    vlist = args[0] if args else None
    if not isinstance(vlist, list) or not all(isinstance(v, dict) for v in vlist):
        raise UserError("create expects a list of value dictionaries.")
    if model not in CREATORS:
        raise UserError(f'You are not allowed to create records of "{model}".')
    return [CREATORS[model](values, context).pk for values in vlist]


def _inventory(args: list) -> dict:
    product_ids = _ids(args)
    warehouse_ids = args[1] if len(args) > 1 and isinstance(args[1], list) else []
    return services.inventory(product_ids, [int(w) for w in warehouse_ids])


METHODS = {
    ("sale.sale", "quote"): lambda args: services.sales_quote(_ids(args)),
    ("sale.sale", "confirm"): lambda args: services.sales_confirm(_ids(args)),
    ("product.product", "get_product_inventory"): _inventory,
}


@_v2_view
def model_method(request: HttpRequest, model: str, method: str) -> HttpResponse:
    """PUT /api/v2/model/<model>/<method> with the positional arguments as a JSON array."""
    if request.method != "PUT":
        return v2_json(v2_error_body(405, "Method Not Allowed"), 405)
    context, args = _context(request), _args(request)
    if (model, method) == ("res.user", "get_preferences"):
        return v2_json(services.user_preferences())
    records.spec(model)
    if method == "search_read":
        return v2_json(_search_read(model, args))
    if method == "search_count":
        return v2_json(len(_search_read(model, [args[0] if args else [], 0, None, None, ["id"]])))
    if method == "create":
        return v2_json(_create(model, args, context))
    handler = METHODS.get((model, method))
    if handler is None:
        return v2_json(v2_error_body(404, f'Method "{method}" of "{model}" not found.'), 404)
    return v2_json(handler(args))


# --- v3 JSON-RPC --------------------------------------------------------------------------------


def _rpc_json(data: Any, status: int = 200, headers: dict | None = None) -> HttpResponse:
    body = json.dumps(data, default=_plain)
    return HttpResponse(body, status=status, content_type="application/json", headers=headers)


def _fingerprint(query: dict) -> str:
    return hashlib.sha256(json.dumps(query, sort_keys=True).encode()).hexdigest()[:16]


def _cursor_token(query: dict, offset: int) -> str:
    return token_encode(json.dumps({"o": offset, "q": _fingerprint(query)}).encode())


def _cursor_offset(query: dict, cursor: str) -> int:
    try:
        state = json.loads(token_decode(cursor))
        if state["q"] == _fingerprint(query):
            return int(state["o"])
    except (ValueError, KeyError, TypeError):  # binascii.Error is a ValueError
        pass
    raise UserError("Invalid cursor.", "the cursor does not belong to this query")


def _find(model: str, params: dict) -> dict:
    where = params.get("where") or {}
    fields = params.get("fields") or ["id"]
    ordering = params.get("ordering") or {"id": "ASC"}
    size = params.get("page_size", 20)
    if not isinstance(size, int) or not 1 <= size <= MAX_PER_PAGE:
        raise UserError(f"page_size must be between 1 and {MAX_PER_PAGE}.")
    query = {"model": model, "where": where, "fields": fields, "ordering": ordering, "size": size}
    offset = _cursor_offset(query, params["cursor"]) if params.get("cursor") else 0
    matching = records.where_q(model, where)
    order = [(records.v3_field(name), way) for name, way in ordering.items()]
    queryset = records.search(model, matching, order)
    rows = list(queryset[offset : offset + size + 1])
    has_more = len(rows) > size
    paths = {name: records.v3_field(name) for name in fields}
    data = [_v3_record(model, obj, paths) for obj in rows[:size]]
    next_cursor = _cursor_token(query, offset + size) if has_more else None
    return {"data": data, "pagination": {"next_cursor": next_cursor, "has_more": has_more}}


def _v3_record(model: str, obj: Any, paths: dict[str, str]) -> dict:
    return {"id": obj.pk, **{name: records.value_read(model, obj, p) for name, p in paths.items()}}


def _rpc_call(call: Any) -> dict:
    request_id = call.get("id") if isinstance(call, dict) else None
    method = call.get("method", "") if isinstance(call, dict) else ""
    params = call.get("params") if isinstance(call, dict) else None
    prefix, _, rest = method.partition(".")
    v3_model, _, action = rest.rpartition(".")
    model = records.V3_MODELS.get(v3_model)
    if prefix != "model" or model is None or action not in ("find", "count"):
        error = {"code": -32601, "message": f"Method not found: {method}"}
        return {"jsonrpc": "2.0", "id": request_id, "error": error}
    try:
        if not isinstance(params, dict):
            raise UserError("params must be an object")
        if action == "count":
            where = records.where_q(model, params.get("where") or {})
            result: Any = records.search(model, where, []).count()
        else:
            result = _find(model, params)
    except UserError as error:
        return rpc_error_body(400, f"Invalid params: {error.message}", request_id)
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


@sandbox_view(SYSTEM, rpc_error_body, on_fault=_with_sentry)
def jsonrpc(request: HttpRequest) -> HttpResponse:
    """POST /api/v3/jsonrpc: ``model.<name>.find`` / ``count`` (single or batch)."""
    if request.method != "POST":
        return _rpc_json(rpc_error_body(405, "Method Not Allowed"), 405)
    refused = _refusal(request, rpc_error_body, _rpc_json)
    if refused is not None:
        return refused
    try:
        payload = json.loads(request.body or b"null")
    except ValueError:
        error = {"code": -32700, "message": "Parse error"}
        return _rpc_json({"jsonrpc": "2.0", "id": None, "error": error})
    if isinstance(payload, list):
        return _rpc_json([_rpc_call(call) for call in payload])
    return _rpc_json(_rpc_call(payload))
