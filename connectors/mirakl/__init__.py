"""John Lewis Marketplace (Mirakl seller API): client, DTOs, call limiter and sandbox.

The official seller OpenAPI spec is vendored in ``openapi/mirakl-mmp-seller-openapi.json``;
every path and field name here follows it.
"""
