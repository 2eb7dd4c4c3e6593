"""Sandbox endpoints, one module per area of the seller API."""
