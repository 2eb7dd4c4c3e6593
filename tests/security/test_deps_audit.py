"""scripts/deps_audit.py: the lock's pins are asked about, findings listed, and an unreachable
database is said plainly, never reported as a clean audit (issue 18)."""

from __future__ import annotations

import importlib.util
import io
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("deps_audit", ROOT / "scripts" / "deps_audit.py")
deps_audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(deps_audit)


def test_the_lock_pins_every_dependency_with_hashes():
    text = (ROOT / "requirements.lock").read_text()
    names = {name.lower() for name, _ in deps_audit.pins(text)}
    assert {"django", "django-q2", "requests", "waitress", "openpyxl"} <= names
    blocks = [b for b in text.split("\n") if "==" in b and not b.startswith("#")]
    assert blocks and all(b.rstrip().endswith("\\") for b in blocks)  # each has --hash lines


def test_findings_are_listed_and_fail(tmp_path, monkeypatch, capsys):
    lock = tmp_path / "requirements.lock"
    lock.write_text("django==4.2.0 \\\n    --hash=sha256:00\nwaitress==3.0.2 \\\n")

    def answer(request, timeout):
        asked = json.loads(request.data)["queries"]
        assert [q["package"]["name"] for q in asked] == ["django", "waitress"]
        body = {"results": [{"vulns": [{"id": "GHSA-xxxx"}]}, {}]}
        return io.BytesIO(json.dumps(body).encode())

    monkeypatch.setattr(deps_audit.urllib.request, "urlopen", answer)
    assert deps_audit.main(["x", str(lock)]) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE django==4.2.0: GHSA-xxxx" in out
    assert "2 pinned dependencies audited, 1 with known advisories" in out


@pytest.mark.parametrize("error", [OSError("Could not resolve host"), TimeoutError("timed out")])
def test_an_unreachable_database_is_said_plainly(tmp_path, monkeypatch, capsys, error):
    lock = tmp_path / "requirements.lock"
    lock.write_text("django==5.2.19 \\\n")

    def unreachable(request, timeout):
        raise error

    monkeypatch.setattr(deps_audit.urllib.request, "urlopen", unreachable)
    assert deps_audit.main(["x", str(lock)]) == 0
    assert capsys.readouterr().out.startswith("dependencies NOT audited")


def test_every_production_dependency_is_in_the_lock():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = {n.lower() for n, _ in deps_audit.pins((ROOT / "requirements.lock").read_text())}
    wanted = {
        re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0].lower()
        for requirement in project["dependencies"]
    }
    assert wanted <= locked, f"run `make lock`: {sorted(wanted - locked)} missing"


def test_every_dependency_has_an_upper_bound():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    unbounded = [r for r in requirements if "<" not in r.split(";")[0]]
    assert not unbounded, f"add an upper bound: {unbounded}"
