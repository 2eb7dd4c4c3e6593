"""The browser harness itself: where the live server listens, and skip versus fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from _pytest.outcomes import Failed, Skipped

from tests.browser import conftest


def test_live_server_listens_on_loopback_only(live_server):
    assert live_server.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("ci", "outcome"), [(None, Skipped), ("true", Failed)], ids=["developer", "ci"]
)
def test_missing_chromium_skips_outside_ci_and_fails_under_ci(monkeypatch, ci, outcome):
    monkeypatch.setattr(conftest, "CHROMIUM", Path("/nonexistent/chromium"))
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="/nonexistent/chromium is missing"):
        conftest.chromium_required()


def test_present_chromium_neither_skips_nor_fails(monkeypatch, tmp_path):
    browser = tmp_path / "chromium"
    browser.touch()
    monkeypatch.setattr(conftest, "CHROMIUM", browser)
    monkeypatch.setenv("CI", "true")
    conftest.chromium_required()
