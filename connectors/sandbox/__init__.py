"""The kit every sandbox is built on, so that all of them fail, limit and sign the same way.

``faults`` (``sandbox_view``, injected faults, the movable clock, per-minute rate windows),
``models`` (faults, clocks, the abstract row, credential and webhook-outbox bases, the reset),
``formats`` (EAN-13, ISO times, page tokens), ``webhooks`` (signatures and the one POST),
``commands`` (the control-command base), ``admin`` and ``transport``. A sandbox imports only
itself and this package (docs/architecture.md).
"""
