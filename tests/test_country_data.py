"""Checks on the shipped ISO 3166-1 / UN M49 country table."""

import csv
from collections import Counter
from pathlib import Path

import pycountry
import pytest

CSV_PATH = Path(__file__).resolve().parents[1] / "eventsapp" / "people" / "data" / "countries.csv"
HEADER = ["alpha2", "alpha3", "numeric", "name", "region", "sub_region"]

SUB_REGIONS = {
    "Africa": {"Northern Africa", "Sub-Saharan Africa"},
    "Americas": {"Latin America and the Caribbean", "Northern America"},
    "Asia": {"Central Asia", "Eastern Asia", "South-eastern Asia", "Southern Asia", "Western Asia"},
    "Europe": {"Eastern Europe", "Northern Europe", "Southern Europe", "Western Europe"},
    "Oceania": {"Australia and New Zealand", "Melanesia", "Micronesia", "Polynesia"},
}
# Antarctica has no M49 region.
NO_REGION = {"AQ"}

SPOT_CHECKS = {
    "MX": ("Mexico", "Americas", "Latin America and the Caribbean"),
    "GE": ("Georgia", "Asia", "Western Asia"),
    "RU": ("Russia", "Europe", "Eastern Europe"),
    "EG": ("Egypt", "Africa", "Northern Africa"),
    "KE": ("Kenya", "Africa", "Sub-Saharan Africa"),
    "AF": ("Afghanistan", "Asia", "Southern Asia"),
    "TL": ("Timor-Leste", "Asia", "South-eastern Asia"),
    "HT": ("Haiti", "Americas", "Latin America and the Caribbean"),
    "US": ("United States", "Americas", "Northern America"),
    "AU": ("Australia", "Oceania", "Australia and New Zealand"),
    "FJ": ("Fiji", "Oceania", "Melanesia"),
}


@pytest.fixture(scope="module")
def rows():
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADER
        return list(reader)


@pytest.fixture(scope="module")
def by_alpha2(rows):
    return {row["alpha2"]: row for row in rows}


def test_every_pycountry_country_exactly_once(rows):
    counts = Counter(row["alpha2"] for row in rows)
    expected = {c.alpha_2 for c in pycountry.countries}
    assert set(counts) == expected
    assert all(n == 1 for n in counts.values())
    assert len(rows) == len(pycountry.countries)


def test_sorted_by_alpha2(rows):
    codes = [row["alpha2"] for row in rows]
    assert codes == sorted(codes)


def test_codes_match_pycountry(rows):
    for row in rows:
        country = pycountry.countries.get(alpha_2=row["alpha2"])
        assert row["alpha3"] == country.alpha_3, row
        assert row["numeric"] == country.numeric, row
        assert len(row["numeric"]) == 3 and row["numeric"].isdigit(), row


def test_regions(rows):
    for row in rows:
        if row["alpha2"] in NO_REGION:
            assert row["region"] == "" and row["sub_region"] == "", row
        else:
            assert row["region"] in SUB_REGIONS, row
            assert row["sub_region"] in SUB_REGIONS[row["region"]], row


def test_names(rows):
    names = [row["name"] for row in rows]
    assert len(set(names)) == len(names)
    for name in names:
        assert name and name == name.strip()
        assert "," not in name, name


@pytest.mark.parametrize("alpha2", sorted(SPOT_CHECKS))
def test_spot_checks(by_alpha2, alpha2):
    row = by_alpha2[alpha2]
    assert (row["name"], row["region"], row["sub_region"]) == SPOT_CHECKS[alpha2]
