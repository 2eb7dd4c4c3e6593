"""What every sandbox endpoint shares: faults, auth, call limits, JSON, dates, pagination."""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from connectors.mirakl.sandbox.models import SandboxShop
from connectors.mirakl.sandbox.services import MiraklError, orders_evaluate
from connectors.mirakl.sandbox.services.common import SYSTEM
from connectors.mirakl.sandbox.services.limits import call_record
from connectors.sandbox.faults import sandbox_now, sandbox_view

_MONEY = re.compile(r'"@@dec:(-?\d+(?:\.\d+)?)@@"')


class _Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return f"@@dec:{o:.2f}@@"
        return super().default(o)


def api_json(data: dict | list, status: int = 200, headers: dict | None = None) -> HttpResponse:
    """JSON with Decimal money as numbers with two decimals (``12.50``), as Mirakl prints."""
    body = _MONEY.sub(r"\1", json.dumps(data, cls=_Encoder, ensure_ascii=False))
    return HttpResponse(body, status=status, content_type="application/json", headers=headers)


def error_body(status: int, message: str) -> dict:
    return {"status": status, "message": message}


def api_error(error: MiraklError) -> HttpResponse:
    body = error_body(error.status, error.message)
    if error.code:
        body["code"] = error.code
    return api_json(body, status=error.status)


def authenticate(request: HttpRequest) -> SandboxShop:
    """The raw API key (no ``Bearer``) picks the shop; ``shop_id`` must be that shop."""
    key = request.headers.get("Authorization", "").strip()
    shop = SandboxShop.objects.filter(api_key=key).first() if key else None
    if shop is None:
        raise MiraklError(401, "Unauthorized: missing or invalid API key")
    shop_id = request.GET.get("shop_id")
    if shop_id not in (None, ""):
        if not shop_id.isdigit():
            raise MiraklError(400, f"Invalid value '{shop_id}' for parameter shop_id")
        if int(shop_id) != shop.shop_id:
            raise MiraklError(401, f"Unauthorized: this API key has no access to shop {shop_id}")
    return shop


def operation(
    code: str,
    *,
    counted: Callable[[HttpRequest], bool] | None = None,
    limit_key: Callable[[HttpRequest], str] | None = None,
):
    """Tag a handler with its spec operation code (for call limits and counters).

    ``counted`` says whether a call counts toward the limit (e.g. not OR11's later pages);
    ``limit_key`` names the limit when one operation has two (OF52 full vs differential).
    """

    def tag(handler):
        handler.operation = code
        handler.counted = counted or (lambda request: True)
        handler.limit_key = limit_key or (lambda request: code)
        return handler

    return tag


def endpoint(**handlers) -> Callable:
    """One URL, one handler per HTTP method, wrapped in the sandbox's common steps."""

    @sandbox_view(SYSTEM, error_body)
    def view(request: HttpRequest, **kwargs) -> HttpResponse:
        handler = handlers.get(request.method)
        if handler is None:
            return api_json(error_body(405, "Method Not Allowed"), status=405)
        try:
            return _run(handler, request, kwargs)
        except MiraklError as error:
            return api_error(error)

    view.handlers = handlers
    return view


def _run(handler, request: HttpRequest, kwargs: dict) -> HttpResponse:
    shop = authenticate(request)
    now = sandbox_now(SYSTEM)
    key = handler.limit_key(request)
    wait = call_record(shop, key, now, counted=handler.counted(request))
    if wait is not None:
        body = error_body(429, f"Too many requests: {key} exceeds its maximum call frequency")
        return api_json(body, status=429, headers={"Retry-After": str(wait)})
    orders_evaluate(shop, now)
    return handler(request, shop=shop, now=now, **kwargs)


@csrf_exempt
@login_not_required
def not_found(request: HttpRequest) -> HttpResponse:
    """Any path the seller API does not have: Mirakl's JSON error, not Django's HTML page."""
    return api_json(error_body(404, f"No resource found for path {request.path}"), status=404)


def no_content() -> HttpResponse:
    return HttpResponse(status=204)


def json_body(request: HttpRequest) -> object:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise MiraklError(400, "The request body is not valid JSON") from None


# --- query parameters --------------------------------------------------------------------


def date_param(params: QueryDict, name: str) -> dt.datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    value = None
    with contextlib.suppress(ValueError):
        value = parse_datetime(raw.strip().replace(" ", "+"))
    if value is None:
        raise MiraklError(400, f"Invalid date '{raw}' for parameter {name}")
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def int_param(
    params: QueryDict, name: str, default: int, *, low: int = 0, high: int | None = None
) -> int:
    """An integer parameter; below ``low`` or above ``high`` is a 400 (Mirakl does not clamp)."""
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not raw.lstrip("-").isdigit() or int(raw) < low:
        raise MiraklError(400, f"Invalid value '{raw}' for parameter {name}")
    if high is not None and int(raw) > high:
        raise MiraklError(400, f"The maximum value of the parameter {name} is {high}: '{raw}'")
    return int(raw)


def list_param(params: QueryDict, name: str, *, limit: int = 100) -> list[str]:
    """Repeated (``a=1&a=2``) or comma-separated (``a=1,2``) values."""
    values = [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]
    if len(values) > limit:
        raise MiraklError(400, f"The limit of {limit} is exceeded for the parameter : {name}")
    return values


def bool_param(params: QueryDict, name: str) -> bool | None:
    raw = (params.get(name) or "").lower()
    return {"true": True, "false": False}.get(raw)


def filtered(items: QuerySet, params: QueryDict, lists: dict, dates: dict) -> QuerySet:
    """``items`` narrowed by list parameters (``name -> lookup``), then by date parameters."""
    for name, lookup in lists.items():
        values = list_param(params, name)
        if values:
            items = items.filter(**{lookup: values})
    for name, lookup in dates.items():
        value = date_param(params, name)
        if value is not None:
            items = items.filter(**{lookup: value})
    return items


CREATED_RANGE = {"start_date": "created_at__gte", "end_date": "created_at__lte"}


# --- offset pagination (OR11, OF21, IV01) -------------------------------------------------


def offset_page(
    request: HttpRequest, items: QuerySet | list, key: str, render: Callable
) -> HttpResponse:
    """The ``render``ed page under ``key``, with ``total_count`` and a ``Link`` header:
    ``max`` (default 10, at most 100, more is a 400), ``offset``, ``paginate=false``."""
    total = len(items) if isinstance(items, list) else items.count()
    size, offset = total, 0  # paginate=false: one page of everything
    if bool_param(request.GET, "paginate") is not False:
        size = int_param(request.GET, "max", 10, low=1, high=100)
        offset = int_param(request.GET, "offset", 0)
    links = []
    if offset > 0:
        links.append(f'<{_with(request, offset=max(offset - size, 0), max=size)}>; rel="previous"')
    if offset + size < total:
        links.append(f'<{_with(request, offset=offset + size, max=size)}>; rel="next"')
    body = {key: [render(item) for item in items[offset : offset + size]], "total_count": total}
    return api_json(body, headers={"Link": ", ".join(links)} if links else {})


def first_offset_page(request: HttpRequest) -> bool:
    return request.GET.get("offset", "0") in ("", "0")


def _with(request: HttpRequest, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = str(value)
    return request.build_absolute_uri(request.path) + "?" + params.urlencode()


# --- seek pagination (TL02, SBC11, RT11, PRI02) -------------------------------------------


def seek_params(request: HttpRequest) -> tuple[QueryDict, dict | None]:
    """The query to use: with ``page_token``, the token's own query (others are ignored)."""
    token = request.GET.get("page_token")
    if not token:
        return request.GET, None
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode() + b"=="))
        params = QueryDict(state["q"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise MiraklError(400, "Invalid page_token") from None
    return params, state


def _token(params: QueryDict, item, field: str, direction: str) -> str:
    state = {"q": params.urlencode(), "k": _key(item, field), "d": direction}
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def _beyond(field: str, key: list, ascending: bool) -> Q:
    value, pk = parse_datetime(key[0]), key[1]
    op = "gt" if ascending else "lt"
    return Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk})


CREATED = {"dateCreated": "created_at"}
CREATED_OR_UPDATED = {**CREATED, "lastUpdated": "updated_at"}


def seek_page(
    items: QuerySet,
    params: QueryDict,
    state: dict | None,
    render: Callable,
    *,
    sorts: dict[str, str],
    desc: bool,
    max_limit: int,
) -> HttpResponse:
    """One page of ``render``ed items as ``data``, plus ``next_page_token`` /
    ``previous_page_token`` (absent at the ends). The default sort is ``dateCreated``,
    descending when ``desc``."""
    criterion, _, direction = (params.get("sort") or "dateCreated").partition(",")
    if criterion not in sorts:
        raise MiraklError(400, f"Invalid sort '{criterion}': expected one of {', '.join(sorts)}")
    direction = (direction or params.get("order") or ("DESC" if desc else "ASC")).upper()
    field, ascending = sorts[criterion], direction != "DESC"
    limit = int_param(params, "limit", 10, low=1, high=max_limit)
    ordered = items.order_by(*(f"{'' if ascending else '-'}{f}" for f in (field, "pk")))
    if state and state.get("d") == "prev":
        back = ordered.reverse().filter(_beyond(field, state["k"], not ascending))
        page = list(back[:limit])[::-1]
    elif state:
        page = list(ordered.filter(_beyond(field, state["k"], ascending))[:limit])
    else:
        page = list(ordered[:limit])
    result: dict = {"data": [render(item) for item in page]}
    if page and ordered.filter(_beyond(field, _key(page[-1], field), ascending)).exists():
        result["next_page_token"] = _token(params, page[-1], field, "next")
    if page and items.filter(_beyond(field, _key(page[0], field), not ascending)).exists():
        result["previous_page_token"] = _token(params, page[0], field, "prev")
    return api_json(result)


def _key(item, field: str) -> list:
    return [getattr(item, field).isoformat(), item.pk]
