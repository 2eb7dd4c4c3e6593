"""Query cost and the leaky bucket, after Shopify's GraphQL Admin API rate limiting.

Cost model (a simplification of Shopify's): a scalar costs 0, an object 1, a field taking
``first: N`` (connection or list) costs 2 + N x (1 + the cost of one item), ``edges``/``node``/
``pageInfo`` add nothing, a mutation adds 10. The bucket holds ``bucket_max`` points and
refills at ``restore_rate`` points a second. The requested cost is taken before a query runs;
like Shopify, the difference to the actual cost (the same rules over what was returned: the
items a connection holds, not its ``first``) is given back afterwards.
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    OperationDefinitionNode,
    OperationType,
    value_from_ast_untyped,
)

MAX_SINGLE_QUERY_COST = 1000
_PASS_THROUGH = {"edges", "node"}
_FREE = {"pageInfo", "__typename"}


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        operations = [op for op in operations if op.name and op.name.value == name]
    return operations[0] if operations else None


def query_cost(document: DocumentNode, variables: dict, operation_name: str | None = None) -> int:
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    base = 10 if operation.operation == OperationType.MUTATION else 0
    return base + _selection_cost(operation.selection_set, variables)


def actual_cost(
    document: DocumentNode, data: dict | None, operation_name: str | None = None
) -> int:
    """The cost of what the query returned (``data``), by the same rules."""
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    base = 10 if operation.operation == OperationType.MUTATION else 0
    return base + _data_cost(operation.selection_set, data)


def _data_cost(selection_set, value) -> int:
    if selection_set is None or value is None:
        return 0
    if isinstance(value, list):
        return sum(_data_cost(selection_set, item) for item in value)
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            key = (selection.alias or selection.name).value
            total += _field_actual(selection, value.get(key) if isinstance(value, dict) else None)
        else:  # an inline fragment whose type did not match returned none of its fields
            total += _data_cost(getattr(selection, "selection_set", None), value)
    return total


def _field_actual(field: FieldNode, value) -> int:
    name = field.name.value
    if name in _FREE or field.selection_set is None or value is None:
        return 0
    children = _data_cost(field.selection_set, value)
    if name in _PASS_THROUGH:
        return children
    if isinstance(value, list) or ("edges" in value or "nodes" in value):
        return 2 + _returned(value) + children
    return 1 + children


def _returned(value) -> int:
    if isinstance(value, list):
        return len(value)
    return max(len(value.get("edges") or []), len(value.get("nodes") or []))


def _selection_cost(selection_set, variables: dict) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(selection, variables)
        else:  # inline fragments: count their fields as if they were here
            total += _selection_cost(getattr(selection, "selection_set", None), variables)
    return total


def _field_cost(field: FieldNode, variables: dict) -> int:
    name = field.name.value
    if name in _FREE or field.selection_set is None:
        return 0
    children = _selection_cost(field.selection_set, variables)
    if name in _PASS_THROUGH:
        return children
    first = _argument(field, "first", variables)
    if first is not None:
        return 2 + int(first) * (1 + children)
    return 1 + children


def _argument(field: FieldNode, name: str, variables: dict):
    for argument in field.arguments or []:
        if argument.name.value == name:
            return value_from_ast_untyped(argument.value, variables)
    return None
