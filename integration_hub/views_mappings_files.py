"""Excel in and out for the mapping screens, through the services the `hub mappings` CLI uses."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils import timezone

from integration_hub.models import Integration
from integration_hub.services.carrier_mappings import ImportRejected, ImportReport
from integration_hub.tables import XLSX_TYPE


def mapping_file_import(
    importer: Callable[[Integration, Path], ImportReport],
    integration: Integration,
    upload: UploadedFile,
) -> tuple[ImportReport | None, list[str]]:
    """Run ``importer`` on the uploaded file; (report, []) or (None, row-numbered errors)."""
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            return importer(integration, path), []
        except ImportRejected as rejected:
            return None, rejected.errors


def mapping_file_download(
    exporter: Callable[[Integration, Path], int], integration: Integration, name: str
) -> HttpResponse:
    """The integration's mappings as .xlsx (the same file the CLI writes, formulas escaped)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.xlsx"
        exporter(integration, path)
        content = path.read_bytes()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX_TYPE)
    filename = f"{name}-{integration.name}-{stamp}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_report_text(report: ImportReport) -> str:
    return (
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged. "
        "The whole file was checked first; nothing was half-applied."
    )
