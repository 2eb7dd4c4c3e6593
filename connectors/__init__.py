"""Connectors: HTTP clients and sandboxes for the marketplace and every source system.

This package knows HTTP and the external formats. It imports no hub models: clients return
plain dataclasses and raise only the error classes in :mod:`connectors.base`.
"""
