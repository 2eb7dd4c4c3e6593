"""Shopify's own GraphQL Admin API schema, version 2026-10, which the sandbox serves.

``admin_2026-10.schema.json.gz`` is Shopify's introspection result for the Admin API
2026-10, taken from the npm package ``@shopify/dev-mcp`` 1.16.0 (Shopify's, ISC licence),
file ``dist/data/admin_2026-10.json.gz`` (sha256 f3b522f2…0c6593). Only the keys that
graphql-core reads were kept (descriptions and Shopify's documentation extras dropped):
every type, field, argument, enum value, default and deprecation is Shopify's.

Serving the real schema means a document is accepted or refused by Shopify's rules, not by
what the sandbox happens to implement: a valid query on a field the sandbox does not
simulate validates and then fails at that field with a clear error (see ``schema.Root``).
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_client_schema, validate_schema

API_VERSION = "2026-10"
SCHEMA_FILE = Path(__file__).with_name(f"admin_{API_VERSION}.schema.json.gz")


@cache
def admin_schema() -> GraphQLSchema:
    """The executable-shaped schema (resolvers come from the root value and node classes)."""
    with gzip.open(SCHEMA_FILE, "rt", encoding="utf-8") as handle:
        schema = build_client_schema(json.load(handle))
    # Shopify deprecates a few implementations of interface fields it has not deprecated on
    # the interface (e.g. ChannelInformation.id); graphql-core's newer schema check refuses
    # that. Any other problem still fails; this one is accepted, as Shopify's servers do.
    unexpected = [e for e in validate_schema(schema) if "must not be deprecated" not in e.message]
    if unexpected:
        raise TypeError("; ".join(error.message for error in unexpected))
    schema._validation_errors = []  # noqa: SLF001  (graphql-core's cache of the check above)
    return schema
