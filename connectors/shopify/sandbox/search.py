"""A subset of Shopify's search syntax for the ``query:`` argument of connections.

Supported: ``field:value``, ``field:>value`` (also ``>=``, ``<``, ``<=``), single or double
quoted values with backslash escapes, ``AND`` (also implicit), ``OR`` (lower precedence) and a
leading ``-`` to negate a term. Each resource lists its filterable fields; an unknown field
matches nothing, so a client relying on a filter the sandbox lacks fails loudly in tests.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from connectors.sandbox.formats import iso_datetime

Accessor = Callable[[object], object]

_OPERATORS = (">=", "<=", ">", "<")  # longest first: ">=" is not ">" then "=value"
_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


@dataclass(frozen=True)
class Term:
    field: str
    op: str
    value: str
    negate: bool = False


def _tokens(text: str) -> list[str]:
    tokens, current, quote, escape = [], "", "", False
    for char in text:
        if escape:
            current, escape = current + char, False
        elif char == "\\":
            escape = True
        elif quote:
            current, quote = (current, "") if char == quote else (current + char, quote)
        elif char in "'\"":
            quote = char
        elif char.isspace():
            if current:
                tokens.append(current)
            current = ""
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens


def _term(token: str) -> Term:
    negate = token.startswith("-")
    token = token[1:] if negate else token
    if ":" not in token:
        return Term(field="", op=":", value=token, negate=negate)
    field, value = token.split(":", 1)
    for op in _OPERATORS:
        if value.startswith(op):
            return Term(field=field.lower(), op=op, value=value[len(op) :], negate=negate)
    return Term(field=field.lower(), op=":", value=value, negate=negate)


def search_parse(text: str | None) -> list[list[Term]]:
    """OR-groups of AND-ed terms; an empty query is one empty group (matches everything)."""
    groups: list[list[Term]] = [[]]
    for token in _tokens(text or ""):
        if token == "OR":
            groups.append([])
        elif token != "AND":
            groups[-1].append(_term(token))
    return groups


def search_filter(items: Iterable, text: str | None, fields: dict[str, Accessor]) -> list:
    groups = search_parse(text)
    return [
        item for item in items if any(all(_matches(item, t, fields) for t in g) for g in groups)
    ]


def _matches(item: object, term: Term, fields: dict[str, Accessor]) -> bool:
    accessor = fields.get(term.field or "default")
    if accessor is None:
        return term.negate
    values = accessor(item)
    values = values if isinstance(values, list | tuple | set) else [values]
    hit = any(_compare(value, term) for value in values)
    return hit != term.negate


def _compare(value: object, term: Term) -> bool:
    if isinstance(value, dt.datetime):
        try:
            wanted = iso_datetime(term.value)
        except ValueError:
            return False
        return _COMPARE.get(term.op, operator.eq)(value, wanted)  # ":" is equality
    text = "" if value is None else str(value)
    if not term.field:
        return term.value.lower() in text.lower()
    if term.op == ":":
        return text.lower() == term.value.lower()
    return _COMPARE[term.op](text, term.value)
