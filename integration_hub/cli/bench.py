"""`hub bench [--scale small|full] [--json FILE]`: time the hub's code paths against baselines.

A full run rewrites docs/performance.md with its table and the machine it ran on; a small run
(CI's) only prints. Benchmarks fail only when a code path errors, never on timing.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from integration_hub.cli.output import usage_error

DOCS = Path(settings.BASE_DIR) / "docs" / "performance.md"


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="benchmark the hub's code paths (sandbox only)")
    parser.add_argument("--scale", choices=["small", "full"], default="small")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.set_defaults(handler=bench)


def bench(command, options) -> None:
    from integration_hub.bench import bench_run, machine, results_json, results_table

    if not settings.HUB_SANDBOX:
        raise usage_error("hub bench needs HUB_SANDBOX=1: it drives the built-in sandboxes")
    results = bench_run(options["scale"], lambda text: command.stderr.write(text))
    table = results_table(results)
    for line in table:
        command.stdout.write(line)
    if options["json"]:
        Path(options["json"]).write_text(
            json.dumps(results_json(results, options["scale"]), indent=2)
        )
    if options["scale"] == "full":
        _docs_write(table, machine())
        command.stdout.write(f"wrote {DOCS}")


def _docs_write(table: list[str], box: dict) -> None:
    text = [
        "# Performance",
        "",
        "Written by `python manage.py hub bench --scale full` (do not edit by hand). Each row is",
        "the hub's real code path beside a baseline doing the same logical work in the plainest",
        "way (a bulk insert, one UPDATE, one indexed SELECT); the ratio is hub time / baseline",
        "time. Everything runs in one transaction that is rolled back.",
        "",
        f"Machine: {box['cpus']} CPUs, {box['platform']}, Python {box['python']}, "
        f"database {box['database']}, {box['date']}.",
        "",
        *table,
        "",
        "The two latency rows are different: they run the sandbox loop on the real clock (the",
        "pass on its schedule's interval, Mirakl's call limits on at full scale), so their",
        "'hub s' is the p95 latency and their baseline is the pass interval itself: the wait a",
        "change or an order can have before the next pass sees it.",
        "",
    ]
    DOCS.write_text("\n".join(text))
