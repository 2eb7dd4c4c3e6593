"""Report known vulnerabilities in the pinned production dependencies (requirements.lock).

Asks the OSV database (https://osv.dev, the data behind pip-audit and GitHub's advisories)
about every ``name==version`` of the lock file in one batch. Exit status: 0 when none is
known, 1 when some are (each listed with its advisory ids), 0 with a plain "NOT audited"
line when the database cannot be reached (a machine without internet), so a closed network
never passes for a clean audit. Standard library only: it runs before anything is installed.

    python scripts/deps_audit.py [requirements.lock]
"""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

OSV_BATCH = "https://api.osv.dev/v1/querybatch"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def pins(lock_text: str) -> list[tuple[str, str]]:
    return PIN.findall(lock_text)


def osv_query(packages: list[tuple[str, str]], *, timeout: float = 15) -> list[list[str]]:
    """The advisory ids per package, in order; raises OSError when OSV cannot be reached."""
    queries = [{"package": {"name": n, "ecosystem": "PyPI"}, "version": v} for n, v in packages]
    request = urllib.request.Request(  # noqa: S310 - a fixed https URL
        OSV_BATCH,
        data=json.dumps({"queries": queries}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        results = json.load(response)["results"]
    return [[v["id"] for v in result.get("vulns", [])] for result in results]


def main(argv: list[str]) -> int:
    lock = Path(argv[1] if len(argv) > 1 else "requirements.lock")
    packages = pins(lock.read_text())
    if not packages:
        print(f"{lock}: no name==version pins found")
        return 1
    try:
        found = osv_query(packages)
    except (OSError, urllib.error.URLError, ValueError, KeyError) as error:
        print(f"dependencies NOT audited: the OSV database cannot be reached ({error})")
        return 0
    vulnerable = [(p, ids) for p, ids in zip(packages, found, strict=True) if ids]
    for (name, version), ids in vulnerable:
        print(f"VULNERABLE {name}=={version}: {', '.join(ids)}")
    print(f"{len(packages)} pinned dependencies audited, {len(vulnerable)} with known advisories")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
