"""A faithful stand-in for a Fulfil.io instance: v2 model API, v3 JSON-RPC, signed webhooks."""
