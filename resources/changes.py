"""Field-level changes held for review: taken from admin forms, applied exactly.

An organization editor's edit is not saved; it becomes a list of
operations stored on a `ChangeRequest`:

    {"model": "phone", "id": "<uuid>", "action": "update", "label": "860-555-0110",
     "fields": {"number": "860-555-0199"}, "previous": {"number": "860-555-0110"}}

`action` is "create" (every field of the new row, its id chosen up front),
"update" (only the fields that changed, with their published values) or
"delete". Fields are named by attribute name (`service_id`) and hold JSON
values. Accepting the request applies exactly these operations, and
refuses a field that someone else changed in the meantime.
"""

import datetime
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _

# The only tables an editor's change may touch, whatever the stored JSON says.
EDITABLE_MODELS = ("service", "location", "phone", "schedule", "address")

CREATE, UPDATE, DELETE = "create", "update", "delete"


def to_json(value):
    """Return a model field's Python value as a JSON value."""
    if value is None or isinstance(value, bool | int | float | str | dict):
        return value  # a dict: a JSON field's value (`translations`)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)  # UUID, Decimal


def _model(name: str) -> type[models.Model]:
    if name not in EDITABLE_MODELS:
        raise ValidationError(
            _("Changes to %(model)s are not allowed.") % {"model": name}
        )
    return apps.get_model("resources", name)


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {field.attname: field for field in model._meta.concrete_fields}


def _proposable(model: type[models.Model]) -> list[models.Field]:
    # What a new row is made of: editable columns and the links to its
    # parents; derived and automatic columns are filled in by save().
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and (field.editable or field.is_relation)
    ]


def update_operation(
    original: models.Model, changed: models.Model, names: Iterable[str]
) -> dict | None:
    """Return the update from `original` to `changed` in the named fields, if any."""
    by_name = {field.name: field for field in _proposable(type(original))}
    fields, previous = {}, {}
    for name in names:
        field = by_name.get(name)
        if field is None:
            continue
        old = to_json(field.value_from_object(original))
        new = to_json(field.value_from_object(changed))
        if old != new:
            fields[field.attname], previous[field.attname] = new, old
    if not fields:
        return None
    return {
        "model": original._meta.model_name,
        "id": str(original.pk),
        "action": UPDATE,
        "label": str(original),
        "fields": fields,
        "previous": previous,
    }


def create_operation(new: models.Model) -> dict:
    """Return the creation of `new` (not saved), with the id it will have."""
    return {
        "model": new._meta.model_name,
        "id": str(new.pk),
        "action": CREATE,
        "label": str(new),
        "fields": {
            field.attname: to_json(field.value_from_object(new))
            for field in _proposable(type(new))
        },
        "previous": {},
    }


def delete_operation(original: models.Model) -> dict:
    return {
        "model": original._meta.model_name,
        "id": str(original.pk),
        "action": DELETE,
        "label": str(original),
        "fields": {},
        "previous": {},
    }


def form_operations(form) -> list[dict]:
    """Return what a validated change form of a saved record would change."""
    changed = form.instance
    original = type(changed)._default_manager.get(pk=changed.pk)
    operation = update_operation(original, changed, form.changed_data)
    return [operation] if operation else []


def formset_operations(formset) -> list[dict]:
    """Return what a validated inline formset would create, change and delete."""
    model = formset.model
    operations = []
    for form in formset.initial_forms:
        original = model._default_manager.filter(pk=form.instance.pk).first()
        if original is None:
            continue
        if formset.can_delete and formset._should_delete_form(form):
            operations.append(delete_operation(original))
        elif form.has_changed():
            operation = update_operation(original, form.instance, form.changed_data)
            if operation:
                operations.append(operation)
    for form in formset.extra_forms:
        if not form.has_changed() or (
            formset.can_delete and formset._should_delete_form(form)
        ):
            continue
        operations.append(create_operation(form.instance))
    return operations


def apply_operation(operation: dict, *, user, reason: str) -> None:
    """Apply one operation as it was proposed, recording `user` and `reason`.

    Raise ValidationError when a field no longer holds the value the
    proposal was made against (and not already the proposed one), when a
    record to change is gone, or when the result is invalid.
    """
    model = _model(operation["model"])
    fields = _fields(model)
    pk = model._meta.pk.to_python(operation["id"])
    action = operation["action"]
    label = operation.get("label") or str(pk)
    obj = model._default_manager.filter(pk=pk).first()

    if action == DELETE:
        if obj is not None:
            obj._history_user = user
            obj._change_reason = reason
            obj.delete()
        return
    if action == CREATE:
        if obj is not None:
            raise ValidationError(
                _("%(label)s has already been added.") % {"label": label}
            )
        obj = model(pk=pk)
    elif action == UPDATE:
        if obj is None:
            raise ValidationError(
                _("%(label)s has been deleted since the change was proposed.")
                % {"label": label}
            )
        for attname, proposed in operation["fields"].items():
            current = to_json(fields[attname].value_from_object(obj))
            if current not in (operation["previous"].get(attname), proposed):
                raise ValidationError(
                    _(
                        "%(field)s of %(label)s has changed since the change was "
                        "proposed."
                    )
                    % {"field": fields[attname].verbose_name, "label": label}
                )
    else:
        raise ValidationError(_("Unknown change: %(action)s.") % {"action": action})

    for attname, value in operation["fields"].items():
        if attname not in fields or fields[attname].primary_key:
            raise ValidationError(
                _("%(model)s has no field %(field)s.")
                % {"model": operation["model"], "field": attname}
            )
        field = fields[attname]
        setattr(obj, attname, None if value is None else field.to_python(value))
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationError(
            _("%(label)s: %(errors)s")
            % {"label": label, "errors": " ".join(error.messages)}
        ) from error
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def describe(operations: list[dict]) -> list[dict]:
    """Return rows a person can read: what, which record, which field, old → new."""
    rows = []
    for operation in operations:
        try:
            model = _model(operation["model"])
        except ValidationError:
            continue
        fields = _fields(model)
        what = str(model._meta.verbose_name)
        base = {
            "action": operation["action"],
            "model": what,
            "label": operation["label"],
        }
        if operation["action"] == DELETE:
            rows.append(base | {"field": "", "old": "", "new": ""})
            continue
        for attname, new in operation["fields"].items():
            field = fields.get(attname)
            if field is None or field.is_relation:
                continue  # the link to the parent record, shown by the listing
            if operation["action"] == CREATE and new in (None, ""):
                continue
            if attname == "translations" and isinstance(new, dict):
                old = operation["previous"].get(attname) or {}
                rows += [base | row for row in _translation_rows(model, old, new)]
                continue
            rows.append(
                base
                | {
                    "field": str(field.verbose_name),
                    "old": operation["previous"].get(attname),
                    "new": new,
                }
            )
    return rows


def _translation_rows(model, old: dict, new: dict) -> list[dict]:
    # One row per language and field whose text changes: "eligibility
    # (Spanish)", not the whole JSON.
    rows = []
    for code in sorted(set(old) | set(new)):
        try:
            language = get_language_info(code)["name_translated"]
        except KeyError:  # a language Django does not know: its code
            language = code
        for name in model.translated_fields:
            before = (old.get(code) or {}).get(name, "")
            after = (new.get(code) or {}).get(name, "")
            if before != after:
                label = model._meta.get_field(name).verbose_name
                rows.append(
                    {"field": f"{label} ({language})", "old": before, "new": after}
                )
    return rows


def summarize(operations: list[dict]) -> str:
    """Return one line that says what the operations do, for the queue."""
    parts = []
    for operation in operations:
        model = _model(operation["model"])
        name = str(model._meta.verbose_name)
        if operation["action"] == UPDATE:
            fields = _fields(model)
            changed = ", ".join(
                str(fields[attname].verbose_name) for attname in operation["fields"]
            )
            parts.append(
                _("%(model)s %(label)s: changed %(fields)s")
                % {"model": name, "label": operation["label"], "fields": changed}
            )
        elif operation["action"] == CREATE:
            parts.append(
                _("added %(model)s %(label)s")
                % {"model": name, "label": operation["label"]}
            )
        else:
            parts.append(
                _("removed %(model)s %(label)s")
                % {"model": name, "label": operation["label"]}
            )
    count = len(operations)
    lead = ngettext("%(count)d change", "%(count)d changes", count) % {"count": count}
    return f"{lead}: " + "; ".join(parts)
