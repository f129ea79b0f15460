"""Admin widgets and inlines: whatever a browser posts, and a label on every field.

Django's autocomplete looks up the posted value to show it again when the
form comes back with errors; a value that is no key of the model ("x" for
a UUID) raises there, a server error. These widgets show such a value as
nothing selected: the form's own error already says what was wrong.

Django's table inlines name their fields only in the column headings, which
a screen reader does not tie to the inputs; `TabularInline` gives each
input its field's label.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

from .translations import TranslatedAdminMixin


class _OnlyKeys:
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._is_key(v)], attr)

    def _is_key(self, value) -> bool:
        try:
            self.field.remote_field.get_related_field().to_python(value)
        except ValidationError:
            return False
        return True


class KeyAutocompleteSelect(_OnlyKeys, AutocompleteSelect):
    pass


class KeyAutocompleteSelectMultiple(_OnlyKeys, AutocompleteSelectMultiple):
    pass


class AutocompleteMixin:
    """A model admin (or inline) whose `autocomplete_fields` use these widgets."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._autocomplete(db_field, request, kwargs, KeyAutocompleteSelect)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._autocomplete(db_field, request, kwargs, KeyAutocompleteSelectMultiple)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _autocomplete(self, db_field, request, kwargs, widget):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = widget(
                db_field, self.admin_site, using=kwargs.get("using")
            )


class LabelledInlineFormSet(forms.BaseInlineFormSet):
    """An inline's rows whose every input is named by its field's label."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # a related wrapper
            if not isinstance(widget, forms.MultiWidget):  # those label their parts
                widget.attrs.setdefault("aria-label", str(field.label))


class TabularInline(TranslatedAdminMixin, AutocompleteMixin, admin.TabularInline):
    formset = LabelledInlineFormSet
