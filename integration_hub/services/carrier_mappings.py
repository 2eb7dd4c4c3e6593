"""Carrier mappings: source carrier (and service) → a carrier the marketplace approved (SH21).

Imports are all-or-nothing: every row is checked first, and one bad row (with its row number)
rejects the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from integration_hub.columns import columns_problems
from integration_hub.models import (
    CarrierMapping,
    Integration,
    MarketplaceCarrier,
    normalize_carrier,
)
from integration_hub.tabular import TableError, table_read, table_write

COLUMNS = ["source_carrier", "source_service", "marketplace_carrier_code"]


class ImportRejected(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[str] = field(default_factory=list)


def carrier_mapping_save(
    *, integration: Integration, source_carrier: str, source_service: str, carrier_code: str
) -> tuple[CarrierMapping, str]:
    """Create or change one mapping; returns it and "created", "updated" or "unchanged"."""
    carrier = MarketplaceCarrier.objects.filter(
        integration=integration, code=carrier_code, active=True
    ).first()
    if carrier is None:
        raise ValueError(f"{carrier_code!r} is not a carrier the marketplace approved")
    if not source_carrier.strip():
        raise ValueError("the source carrier name is empty")
    mapping = CarrierMapping.objects.filter(
        integration=integration,
        source_carrier_key=normalize_carrier(source_carrier),
        source_service_key=normalize_carrier(source_service),
    ).first()
    if mapping is None:
        mapping = CarrierMapping.objects.create(
            integration=integration,
            source_carrier=source_carrier.strip(),
            source_service=source_service.strip(),
            carrier=carrier,
        )
        return mapping, "created"
    if mapping.carrier_id == carrier.pk:
        return mapping, "unchanged"
    mapping.carrier = carrier
    mapping.save()
    return mapping, "updated"


def carrier_mappings_import(integration: Integration, path: str | Path) -> ImportReport:
    try:
        rows = table_read(
            path,
            required=["source_carrier", "marketplace_carrier_code"],
            optional=["source_service"],
        )
    except TableError as error:
        raise ImportRejected([str(error)]) from None
    approved = set(
        MarketplaceCarrier.objects.filter(integration=integration, active=True).values_list(
            "code", flat=True
        )
    )
    errors, seen = [], {}
    for row in rows:
        carrier, service = row.values["source_carrier"], row.values.get("source_service", "")
        code = row.values["marketplace_carrier_code"]
        key = (normalize_carrier(carrier), normalize_carrier(service))
        too_long = columns_problems(
            CarrierMapping, {"source_carrier": carrier, "source_service": service}
        )
        if not carrier:
            errors.append(f"row {row.number}: source_carrier is empty")
        elif too_long:
            errors += [f"row {row.number}: {problem}" for problem in too_long]
        elif code not in approved:
            errors.append(
                f"row {row.number}: {code!r} is not an approved marketplace carrier "
                f"(approved: {', '.join(sorted(approved)) or 'none yet: run the orders flow'})"
            )
        elif key in seen:
            errors.append(f"row {row.number}: same carrier and service as row {seen[key]}")
        seen.setdefault(key, row.number)
    if errors:
        raise ImportRejected(errors)
    report = ImportReport()
    with transaction.atomic():
        for row in rows:
            _mapping, outcome = carrier_mapping_save(
                integration=integration,
                source_carrier=row.values["source_carrier"],
                source_service=row.values.get("source_service", ""),
                carrier_code=row.values["marketplace_carrier_code"],
            )
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def carrier_mappings_export(integration: Integration, path: str | Path) -> int:
    mappings = CarrierMapping.objects.filter(integration=integration).select_related("carrier")
    return table_write(
        path,
        COLUMNS,
        ([m.source_carrier, m.source_service, m.carrier.code] for m in mappings),
    )
