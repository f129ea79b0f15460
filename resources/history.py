"""Records' change history as HSDS `metadata` rows, for other systems to read.

django-simple-history keeps every version of every record, with who and
when. HSDS describes provenance as flat rows: one per created or deleted
record, and one per changed field. Row ids derive from the history entry
(UUID 5), so exporting twice gives the same rows.
"""

import csv
import io
import uuid
from collections.abc import Iterable, Iterator

from django.db import models

from .hsds.mapping import datestamp, guard_cell

COLUMNS = (
    "id",
    "resource_id",
    "resource_type",
    "last_action_date",
    "last_action_type",
    "field_name",
    "previous_value",
    "replacement_value",
    "updated_by",
)
ACTIONS = {"+": "create", "~": "update", "-": "delete"}
NAMESPACE = uuid.UUID("8f0b9f43-6a51-5c1e-9a7e-2d7d5b0c4e11")


def _text(value) -> str:
    return "" if value is None else str(value)


def history_metadata_rows(records: Iterable[models.Model]) -> Iterator[dict]:
    """Yield the HSDS metadata rows of every version of these records, oldest first."""
    for record in records:
        resource_type = record._meta.model_name
        previous = None
        entries = record.history.order_by("history_date", "history_id")
        for entry in entries.select_related("history_user"):
            base = {
                "resource_id": str(record.pk),
                "resource_type": resource_type,
                "last_action_date": datestamp(entry.history_date),
                "last_action_type": ACTIONS.get(entry.history_type, "update"),
                "updated_by": (
                    entry.history_user.get_username()
                    if entry.history_user
                    else "system"
                ),
            }
            changes = []
            if entry.history_type == "~" and previous is not None:
                changes = entry.diff_against(previous, foreign_keys_are_objs=False)
                changes = changes.changes
            if not changes:
                yield {
                    "id": str(uuid.uuid5(NAMESPACE, f"{entry._meta.label}:{entry.pk}")),
                    **base,
                    "field_name": "",
                    "previous_value": "",
                    "replacement_value": "",
                }
            for change in changes:
                yield {
                    "id": str(
                        uuid.uuid5(
                            NAMESPACE, f"{entry._meta.label}:{entry.pk}:{change.field}"
                        )
                    ),
                    **base,
                    "field_name": change.field,
                    "previous_value": _text(change.old),
                    "replacement_value": _text(change.new),
                }
            previous = entry


def history_metadata_csv(records: Iterable[models.Model]) -> str:
    """Return the rows as an HSDS `metadata.csv`, text cells guarded as in exports."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in history_metadata_rows(records):
        writer.writerow([guard_cell(row[column]) for column in COLUMNS])
    return out.getvalue()
