"""What every sandbox shares: fault injection and a movable clock.

Each system's sandbox (``connectors/<system>/sandbox``) calls :func:`fault_for` at the top of
every view and uses :func:`sandbox_now` instead of ``timezone.now`` so that the demo and the
tests can inject failures and advance time (`python manage.py sandbox ...`).
"""
