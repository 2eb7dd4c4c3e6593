"""`python manage.py sandbox`: inject faults into the sandboxes and move their clocks.

sandbox fault add SYSTEM --kind {429,500,503,slow,malformed} [--path TEXT] [--method M]
                  [--count N] [--probability P] [--retry-after S] [--delay S]
sandbox fault list [--system SYSTEM]
sandbox fault clear [--system SYSTEM]
sandbox clock advance SYSTEM (--seconds N | --minutes N | --hours N)
sandbox clock reset SYSTEM
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from connectors.sandbox.faults import clock_advance, clock_reset
from connectors.sandbox.models import FaultKind, SandboxFault

SYSTEMS = ["mirakl", "shopify", "magento", "fulfil", "scayle", "seko"]


class Command(BaseCommand):
    help = "Inject faults into the sandboxes and move their clocks (demo, tests, training)."

    def add_arguments(self, parser) -> None:
        groups = parser.add_subparsers(dest="group", required=True)
        fault = groups.add_parser("fault").add_subparsers(dest="action", required=True)
        add = fault.add_parser("add")
        add.add_argument("system", choices=SYSTEMS)
        add.add_argument("--kind", required=True, choices=FaultKind.values)
        add.add_argument("--path", default="", help="substring of the request path")
        add.add_argument("--method", default="", help="HTTP method; all when omitted")
        add.add_argument(
            "--count", type=int, default=None, help="how many times; forever if omitted"
        )
        add.add_argument("--probability", type=float, default=1.0)
        add.add_argument("--retry-after", type=int, default=1)
        add.add_argument("--delay", type=float, default=3.0)
        for name in ("list", "clear"):
            sub = fault.add_parser(name)
            sub.add_argument("--system", choices=SYSTEMS)
        clock = groups.add_parser("clock").add_subparsers(dest="action", required=True)
        advance = clock.add_parser("advance")
        advance.add_argument("system", choices=SYSTEMS)
        amount = advance.add_mutually_exclusive_group(required=True)
        amount.add_argument("--seconds", type=int)
        amount.add_argument("--minutes", type=int)
        amount.add_argument("--hours", type=int)
        clock.add_parser("reset").add_argument("system", choices=SYSTEMS)

    def handle(self, *args, group: str, action: str, **options) -> None:
        getattr(self, f"_{group}_{action}")(**options)

    def _fault_add(self, *, system, kind, path, method, count, probability, **options) -> None:
        if not 0 < probability <= 1:
            raise CommandError("--probability must be above 0 and at most 1", returncode=2)
        if count is not None and count < 1:
            raise CommandError("--count must be at least 1", returncode=2)
        fault = SandboxFault.objects.create(
            system=system,
            kind=kind,
            path_contains=path,
            method=method.upper(),
            remaining=count,
            probability=probability,
            retry_after=options["retry_after"],
            delay_seconds=options["delay"],
        )
        self.stdout.write(f"fault #{fault.pk} added: {fault}")

    def _fault_list(self, *, system=None, **options) -> None:
        faults = SandboxFault.objects.all()
        if system:
            faults = faults.filter(system=system)
        for fault in faults:
            left = "forever" if fault.remaining is None else f"{fault.remaining} left"
            self.stdout.write(f"#{fault.pk} {fault} ({left}, injected {fault.injected})")

    def _fault_clear(self, *, system=None, **options) -> None:
        faults = SandboxFault.objects.all()
        if system:
            faults = faults.filter(system=system)
        deleted, _ = faults.delete()
        self.stdout.write(f"{deleted} fault(s) cleared")

    def _clock_advance(self, *, system, seconds=None, minutes=None, hours=None, **options) -> None:
        total = seconds or (minutes or 0) * 60 or (hours or 0) * 3600
        now = clock_advance(system, total)
        self.stdout.write(f"{system} sandbox clock is now {now.isoformat()}")

    def _clock_reset(self, *, system, **options) -> None:
        clock_reset(system)
        self.stdout.write(f"{system} sandbox clock follows the real clock again")
