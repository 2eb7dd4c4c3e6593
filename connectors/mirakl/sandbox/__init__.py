"""A stateful simulator of the John Lewis Marketplace's Mirakl seller API.

Mounted at ``/sandbox/mirakl/`` (so the API base is ``/sandbox/mirakl/api/...``). It speaks the
official seller OpenAPI spec (``connectors/mirakl/openapi``) and never imports the client.
See docs/connectors/mirakl-sandbox.md.
"""
