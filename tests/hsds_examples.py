"""The official HSDS examples, with the known defects of this snapshot fixed.

SOURCE.md lists the defects; our database adds one limit (coordinates). Each fix below
names what it mends, so that the round-trip tests compare everything else
field by field. `test_import.py` checks that the unfixed examples report
exactly these faults.
"""

import copy
import csv
import json
import shutil
from pathlib import Path

from .hsds_schemas import EXAMPLES, require_hsds

# Placeholder coordinates (latitude 100, longitude 101): out of range.
LATITUDE, LONGITUDE = 41.76, -72.74
# Dangling references of the snapshot (SOURCE.md, defect 1).
DANGLING = {
    "cd09a387-91f4-4555-94ec-e799c35344cd",  # parent organization
    "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2",  # parent taxonomy term
    "07ff6aee-a219-438c-b694-d2fcb6c5373b",  # taxonomy
    "985e4a42-bd9f-4edc-911d-0243a4640aca",  # location's organization
    "ae67a707-5893-4225-b0b1-320ab9cb596b",  # contact's organization
    "93eaf18d-1cd2-4ec7-bffb-3c9172ee5070",  # contact's service_at_location
    "af69894e-7bed-11ef-a85c-07e0918a608c",  # service area's service_at_location
}
CAPACITY_FIXES = {
    "f75b808e-7bdb-11ef-afaa-ab00a77dc5c4": "ac148810-d857-441c-9679-408f346de14b",
    "187a37a2-7b40-11ef-9790-dbf7623d4407": "8896b788-7b3e-11ef-8db9-7f3d040352b3",
}


def fix_json(document):
    """Return a copy of an example JSON document with the defects mended."""
    document = copy.deepcopy(document)

    def visit(node, table=None):
        if isinstance(node, list):
            for item in node:
                visit(item, table)
            return
        if not isinstance(node, dict):
            return
        if (
            isinstance(node.get("latitude"), (int, float))
            and abs(node["latitude"]) > 90
        ):
            node["latitude"], node["longitude"] = LATITUDE, LONGITUDE
        for key in [k for k, v in node.items() if isinstance(v, str) and v in DANGLING]:
            del node[key]
        for key, value in node.items():
            if key == "attributes" and isinstance(value, list):
                for attribute in value:
                    # The placeholder "link_entity": the nesting says "service".
                    if attribute.get("link_entity") == "link_entity":
                        attribute["link_entity"] = {"services": "service"}.get(
                            table, table or "service"
                        )
            visit(value, key)

    visit(document)
    return document


def load_json(name: str) -> dict:
    require_hsds()
    return json.loads((EXAMPLES / "json" / name).read_text())


def write_fixed_json(name: str, folder: Path) -> Path:
    path = folder / name
    path.write_text(json.dumps(fix_json(load_json(name))))
    return path


def write_fixed_csv(folder: Path) -> Path:
    """Copy the CSV example package with the defects mended; return its folder."""
    require_hsds()
    folder.mkdir(parents=True, exist_ok=True)
    for source in (EXAMPLES / "csv").iterdir():
        if source.suffix != ".csv":
            shutil.copy(source, folder / source.name)
            continue
        with open(source, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames
            rows = [fix_row(source.name, row) for row in reader]
        with open(folder / source.name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def fix_row(file: str, row: dict) -> dict:
    for key, value in row.items():
        if isinstance(value, str) and value in DANGLING:
            row[key] = ""
        if file == "service_capacity.csv" and value in CAPACITY_FIXES:
            row[key] = CAPACITY_FIXES[value]
    if file == "locations.csv":
        row["latitude"], row["longitude"] = str(LATITUDE), str(LONGITUDE)
    return row


def read_csv_package(folder: Path) -> dict[str, dict[str, dict]]:
    """Return {file: {id: row}} for every CSV file of a package folder."""
    tables = {}
    for path in sorted(Path(folder).glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            tables[path.name] = {row["id"]: row for row in csv.DictReader(handle)}
    return tables
