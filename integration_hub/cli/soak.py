"""`hub soak [--minutes M] [--kills K] [--fault-rate R] [--drain-minutes D] [--seed S]`.

The chaos soak (integration_hub/soak.py): web + worker against the sandboxes with faults and
worker kills, then every invariant checked. Needs HUB_SANDBOX=1 and a fresh DATABASE_URL;
`make soak` runs the long version. Exit 0 when every invariant holds, 1 when one does not.
"""

from __future__ import annotations

from integration_hub.cli.output import usage_error, work_failed


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "soak", help="chaos soak: web + worker with faults and kills (sandbox, fresh database)"
    )
    parser.add_argument("--minutes", type=float, default=2.0, help="chaos phase (default 2)")
    parser.add_argument("--kills", type=int, default=3, help="worker kills during the chaos")
    parser.add_argument(
        "--fault-rate", type=float, default=0.06, help="probability per fault kind (0-0.2)"
    )
    parser.add_argument(
        "--drain-minutes", type=float, default=8.0, help="how long the hub may take to settle"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--log-dir", default="", help="web and worker logs (default var/soak/)")
    parser.set_defaults(handler=soak)


def soak(command, options) -> None:
    from integration_hub.soak import SoakConfig, report_lines, soak_run

    if not 0 <= options["fault_rate"] <= 0.2:
        raise usage_error("--fault-rate must be between 0 and 0.2")
    if options["minutes"] <= 0 or options["drain_minutes"] <= 0 or options["kills"] < 0:
        raise usage_error("--minutes and --drain-minutes must be positive, --kills not negative")
    config = SoakConfig(
        chaos_minutes=options["minutes"],
        drain_minutes=options["drain_minutes"],
        kills=options["kills"],
        fault_rate=options["fault_rate"],
        seed=options["seed"],
        log_dir=options["log_dir"],
    )
    try:
        report = soak_run(config, lambda text: command.stderr.write(text))
    except RuntimeError as error:
        raise usage_error(str(error)) from None
    for line in report_lines(report, config):
        command.stdout.write(line)
    if not report.passed:
        raise work_failed(f"soak failed: {len(report.problems)} invariant(s) do not hold")
