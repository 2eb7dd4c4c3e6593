"""Product rows, files and uploads for the catalogue tests of the Mirakl sandbox."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import BASE


def ean(first_twelve: str) -> str:
    """An EAN-13 with its GS1 check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first_twelve))
    return first_twelve + str((10 - total % 10) % 10)


COMMON = {
    "description": "A product described at length for the sandbox tests.",
    "brand": "Sandbox Brand",
}
SHIRT = {
    "shop_sku": "SB-SHIRT-BLU-M",
    "category": "FASHION-MENS-SHIRTS",
    "title": "Oxford Shirt, Blue, M",
    **COMMON,
    "ean": ean("501234500001"),
    "main_image": "https://images.example/shirt-blue.jpg",
    "colour": "BLUE",
    "size": "M",
}
DRESS = {
    "shop_sku": "SB-DRESS-NVY-12",
    "category": "FASHION-WOMENS-DRESSES",
    "title": "Linen Midi Dress, Navy, 12",
    **COMMON,
    "ean": ean("501234500002"),
    "main_image": "https://images.example/dress.png",
    "colour": "NAVY",
    "size": "UK12",
}
CUSHION = {
    "shop_sku": "SB-CUSHION-45",
    "category": "HOME-CUSHIONS",
    "title": "Velvet Cushion, 45 x 45cm",
    **COMMON,
    "ean": ean("501234500003"),
    "main_image": "https://images.example/cushion.webp",
    "width_cm": "45",
    "height_cm": "45",
    "fabric": "VELVET|COTTON",
}
KETTLE = {
    "shop_sku": "SB-KETTLE-17",
    "category": "ELECTRICALS-KETTLES",
    "title": "Rapid Boil Kettle, 1.7L",
    **COMMON,
    "ean": ean("501234500004"),
    "main_image": "https://images.example/kettle.jpeg",
    "power_w": "3000",
    "capacity_l": "1.7",
    "energy_rating": "A",
    "release_date": "2025-09-01",
}
TV = {
    "shop_sku": "SB-TV-55",
    "category": "ELECTRICALS-TVS",
    "title": "55 inch 4K Smart TV",
    **COMMON,
    "ean": ean("501234500005"),
    "main_image": "https://images.example/tv.jpg",
    "power_w": "110",
    "screen_size_in": "55",
    "energy_rating": "F",
}


def csv_text(*rows: dict, header: list[str] | None = None) -> str:
    """A ``;`` file with every value quoted; the header is the rows' keys in order."""
    if header is None:
        header = list(dict.fromkeys(key for row in rows for key in row))
    lines = [";".join(f'"{name}"' for name in header)]
    for row in rows:
        values = (str(row.get(name, "")).replace('"', '""') for name in header)
        lines.append(";".join(f'"{value}"' for value in values))
    return "\n".join(lines) + "\n"


def upload(api, path: str, text: str | bytes | None, **fields):
    """POST a multipart form: ``file`` (unless None) plus the other fields."""
    data = dict(fields)
    if text is not None:
        content = text.encode() if isinstance(text, str) else text
        data["file"] = SimpleUploadedFile("file.csv", content, content_type="text/csv")
    return api.client.post(BASE + path, data, headers={"Authorization": api.api_key})


def product_import(api, *rows: dict, header: list[str] | None = None) -> int:
    response = upload(api, "/api/products/imports", csv_text(*rows, header=header))
    assert response.status_code == 201, response.content
    return response.json()["import_id"]


def product_status(api, import_id: int) -> dict:
    response = api.get(f"/api/products/imports/{import_id}")
    assert response.status_code == 200, response.content
    return response.json()


def product_import_complete(api, *rows: dict) -> dict:
    """Import the rows and poll until COMPLETE; the last status."""
    import_id = product_import(api, *rows)
    for _ in range(4):
        status = product_status(api, import_id)
    assert status["import_status"] == "COMPLETE", status
    return status


def report_lines(response) -> list[str]:
    assert response.status_code == 200, response.content
    return response.content.decode().splitlines()
