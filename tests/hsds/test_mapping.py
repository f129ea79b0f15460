"""HSDS field mapping: pure functions, no database."""

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest

from resources.hsds import mapping

from ..hsds_schemas import require_hsds


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("09:00:00Z", dt.time(9)),
        ("09:00:00+01:00", dt.time(9)),
        ("17:30:00-0500", dt.time(17, 30)),
        ("17:30", dt.time(17, 30)),
        ("08:15:30.5", dt.time(8, 15, 30, 500000)),
    ],
)
def test_times_keep_the_wall_clock_and_drop_the_offset(raw, expected):
    assert mapping.parse_time(raw) == expected


@pytest.mark.parametrize("raw", ["25:00", "9am", "", "09:61"])
def test_bad_times_say_why(raw):
    with pytest.raises(mapping.ValueProblem):
        mapping.parse_time(raw)


@pytest.mark.parametrize(
    "value",
    [
        "=SUM(A1)",
        "+1",
        "-1",
        "@cmd",
        "\tx",
        "\rx",
        "'=x",
        "''+x",
        "'plain",
        "plain",
        "",
    ],
)
def test_formula_guard_round_trips(value):
    guarded = mapping.guard_cell(value)
    assert mapping.unguard_cell(guarded) == value
    assert guarded[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_formula_guard_prefixes_exactly_one_quote():
    assert mapping.guard_cell("=HYPERLINK(x)") == "'=HYPERLINK(x)"
    assert mapping.guard_cell("-5 dollars") == "'-5 dollars"
    assert mapping.unguard_cell("'hello") == "'hello"


def test_values_parse_by_type():
    columns = mapping.TABLES_BY_NAME["service_capacity"].by_name
    assert mapping.parse_value(columns["available"], "12.50") == Decimal("12.50")
    assert mapping.parse_value(columns["updated"], "2024-09-25T14:23:06.5+01:00") == (
        dt.datetime(2024, 9, 25, 13, 23, 6, 500000, tzinfo=dt.UTC)
    )
    assert mapping.parse_value(columns["id"], str(uuid.UUID(int=1))) == uuid.UUID(int=1)
    with pytest.raises(mapping.ValueProblem, match="not a UUID"):
        mapping.parse_value(columns["id"], "123")
    status = mapping.TABLES_BY_NAME["service"].by_name["status"]
    with pytest.raises(mapping.ValueProblem, match="not one of"):
        mapping.parse_value(status, "open")
    age = mapping.TABLES_BY_NAME["service"].by_name["minimum_age"]
    assert mapping.parse_value(age, 12.0) == 12
    with pytest.raises(mapping.ValueProblem, match="whole number"):
        mapping.parse_value(age, "12.5")


def test_flatten_gives_children_their_parent_and_parents_first():
    service = {
        "id": "s",
        "name": "S",
        "status": "active",
        "organization": {"id": "o", "name": "O", "description": "d"},
        "phones": [
            {"id": "p", "number": "1", "languages": [{"id": "l", "code": "es"}]}
        ],
        "attributes": [{"id": "a", "taxonomy_term": {"id": "t", "name": "T"}}],
    }
    rows = [(row.table, row.values) for row in mapping.flatten(service, "service")]
    tables = [table for table, _values in rows]
    assert tables.index("organization") < tables.index("service")
    assert tables.index("taxonomy_term") < tables.index("attribute")
    values = dict(rows)
    assert values["service"]["organization_id"] == "o"
    assert values["phone"]["service_id"] == "s"
    assert values["language"]["phone_id"] == "p"
    assert values["attribute"] | {} == {
        "id": "a",
        "link_id": "s",
        "link_entity": "service",
        "taxonomy_term_id": "t",
    }


def test_our_tables_match_the_official_datapackage():
    official = json.loads((require_hsds() / "datapackage.json").read_text())
    for resource in official["resources"]:
        if resource["name"] == "meta_table_description":
            continue
        table = mapping.TABLES_BY_NAME[resource["name"]]
        assert table.file == resource["path"]
        ours = [c.name for c in table.columns if not c.extension]
        theirs = [field["name"] for field in resource["schema"]["fields"]]
        # The snapshot's descriptor lists too few service_capacity and unit fields.
        assert set(theirs) <= set(ours), resource["name"]
