"""scripts/run.sh (what `make run` starts) supervises the web server and the worker (issue 18).

The two processes are stand-ins (a shell script given as PY) that record their pids, start a
child each, and (the worker) ignore SIGTERM as a hung qcluster does. Bounded: a few seconds;
everything is killed at the end whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STAND_IN = """#!/usr/bin/env bash
# $1 is manage.py; "hub serve ..." is the web server, "qcluster" the worker
name=web; [ "$2" = qcluster ] && name=worker
sleep 1000 & echo $! >> "$DIR/$name.children"
echo $$ >> "$DIR/$name.pids"
[ "$name" = worker ] && trap '' TERM   # a hung qcluster ignores SIGTERM
while true; do sleep 0.1; done
"""


def lines(path: Path) -> list[int]:
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def until(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead too
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_stopped_process_is_restarted_and_a_stop_leaves_no_orphans(tmp_path):
    stand_in = tmp_path / "python"
    stand_in.write_text(STAND_IN)
    stand_in.chmod(0o755)
    env = {
        **os.environ,
        "PY": str(stand_in),
        "DIR": str(tmp_path),
        "STOP_SECONDS": "1",
        "RESTART_PAUSE": "0.1",
        "BIND": "127.0.0.1:0",
    }
    run = subprocess.Popen(  # noqa: S603
        ["bash", str(ROOT / "scripts" / "run.sh")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        until(lambda: lines(tmp_path / "web.pids") and lines(tmp_path / "worker.pids"))
        first_worker = lines(tmp_path / "worker.pids")[0]
        os.kill(first_worker, signal.SIGKILL)  # the worker dies
        until(lambda: len(lines(tmp_path / "worker.pids")) == 2)  # and is started again
        assert len(lines(tmp_path / "web.pids")) == 1  # the web server was left alone

        run.send_signal(signal.SIGTERM)  # as Ctrl-C or a service manager would
        run.wait(timeout=15)
        assert run.returncode == 0
        everything = [
            *lines(tmp_path / "web.pids"),
            *lines(tmp_path / "worker.pids"),
            *lines(tmp_path / "web.children"),
            *lines(tmp_path / "worker.children"),
        ]
        until(lambda: not [pid for pid in everything if alive(pid)], seconds=5)
        assert b"the worker stopped; starting it again" in run.stderr.read()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        for name in ("web", "worker"):
            for pid in lines(tmp_path / f"{name}.pids") + lines(tmp_path / f"{name}.children"):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def make_env(*args: str) -> str:
    """What the run target's environment holds for the demo's addresses (make evaluates the
    Makefile's BIND rule; no recipe runs)."""
    env = {k: v for k, v in os.environ.items() if k not in ("HUB_BASE_URL", "HUB_ALLOWED_HOSTS")}
    rule = "hub-env: ; @echo $$HUB_BASE_URL $$HUB_ALLOWED_HOSTS"
    result = subprocess.run(  # noqa: S603
        ["make", "-s", "--no-print-directory", f"--eval={rule}", "hub-env", *args],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_bind_moves_the_demo_base_url_and_allowed_host():
    """Issue 18/22: BIND=host:port make run kept HUB_BASE_URL at port 8000."""
    assert make_env("BIND=10.0.0.5:9000") == ("http://10.0.0.5:9000 127.0.0.1,localhost,10.0.0.5")
    assert make_env() == ""  # the default BIND leaves .env's values alone
