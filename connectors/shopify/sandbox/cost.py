"""Query cost and the leaky bucket, after Shopify's GraphQL Admin API rate limiting.

Cost model (a simplification of Shopify's): a scalar costs 0, an object 1, a field taking
``first: N`` (connection or list) costs 2 + N x (1 + the cost of one item), ``edges``/``node``/
``pageInfo`` add nothing, a mutation adds 10. The bucket holds ``bucket_max`` points and
refills at ``restore_rate`` points a second.
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


def query_cost(document: DocumentNode, variables: dict, operation_name: str | None = None) -> int:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [op for op in operations if op.name and op.name.value == operation_name]
    if not operations:
        return 0
    operation = operations[0]
    base = 10 if operation.operation == OperationType.MUTATION else 0
    return base + _selection_cost(operation.selection_set, variables)


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
