"""The country list shipped with the application (ISO 3166-1 with UN M49 regions)."""

import csv
from pathlib import Path

COUNTRIES_CSV = Path(__file__).parent / "data" / "countries.csv"


def country_rows() -> list[dict]:
    """Rows of ``countries.csv`` as dictionaries ready to insert (empty regions as None)."""
    with COUNTRIES_CSV.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "code": row["alpha2"],
                "alpha3": row["alpha3"],
                "numeric": row["numeric"],
                "name": row["name"],
                "region": row["region"] or None,
                "sub_region": row["sub_region"] or None,
            }
            for row in csv.DictReader(handle)
        ]
