"""A fake monotonic clock for connector tests: it only moves when the code under test sleeps."""

from __future__ import annotations


class FakeClock:
    """Call it for the time; pass ``.sleep`` as the code's sleep (each wait is kept)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
