"""Records' change history: through what each change came, and HSDS `metadata` rows.

django-simple-history keeps every version of every record, with who and
when; each version also says through what it came (`Channel`): the code
that changes records runs inside `through(channel)`, and a change made
in an admin page otherwise counts as "admin".

HSDS describes provenance as flat rows: one per created or deleted
record, and one per changed field. Row ids derive from the history entry
(UUID 5), so exporting twice gives the same rows.
"""

import contextlib
import csv
import io
import uuid
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from .hsds.mapping import datestamp, guard_cell
from .models.base import Channel

_channel: ContextVar[str] = ContextVar("history_channel", default="")


@contextlib.contextmanager
def through(channel: Channel):
    """Mark the history entries written inside as coming through `channel`."""
    token = _channel.set(channel)
    try:
        yield
    finally:
        _channel.reset(token)


def current_channel() -> str:
    """Return the channel of changes made now: set, else "admin" in the admin."""
    if channel := _channel.get():
        return channel
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None and request.path.startswith(reverse("admin:index")):
        return Channel.ADMIN
    return ""


def _stamp_channel(sender, history_instance, **kwargs) -> None:
    if not history_instance.history_channel:
        history_instance.history_channel = current_channel()


def connect() -> None:
    pre_create_historical_record.connect(_stamp_channel, dispatch_uid="channel")


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
