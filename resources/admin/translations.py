"""Listing text in every language, side by side on the admin's forms.

Each translated field (`Translatable.translated_fields`) gets a form field
per other language, `description_es`, shown on the same row as the English
one; saving writes them into the object's `translations`. An organization
editor's edit of them is held for review like any other field, as a change
of `translations`.
"""

from functools import cache

from django import forms
from django.contrib import admin
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from ..models.base import Translatable, listing_languages


def other_languages() -> list[str]:
    """Return the languages listing text is translated into."""
    return listing_languages()[1:]


def _name(field: str, language: str) -> str:
    return f"{field}_{language}"


def _translatable(model) -> bool:
    return issubclass(model, Translatable) and bool(model.translated_fields)


class TranslationsForm(forms.ModelForm):
    """Fills and saves the `<field>_<language>` fields (see `translated_form`)."""

    translation_fields: dict = {}  # form field name: (field, language)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.translations or {}
        for name, (field, language) in self.translation_fields.items():
            if name in self.fields:
                self.fields[name].initial = stored.get(language, {}).get(field, "")

    @property
    def changed_data(self):
        names = super().changed_data
        if any(name in self.translation_fields for name in names):
            return [*names, "translations"]
        return names

    def _post_clean(self):
        translations = {
            code: dict(texts)
            for code, texts in (self.instance.translations or {}).items()
        }
        for name, (field, language) in self.translation_fields.items():
            if name not in self.fields or name not in self.cleaned_data:
                continue
            text = (self.cleaned_data[name] or "").strip()
            texts = translations.setdefault(language, {})
            if text:
                texts[field] = text
            else:
                texts.pop(field, None)
        self.instance.translations = {
            code: texts for code, texts in translations.items() if texts
        }
        super()._post_clean()


@cache
def translated_form(form_class: type[forms.ModelForm], model) -> type[forms.ModelForm]:
    """Return `form_class` with a field per translated field and other language."""
    if not _translatable(model):
        return form_class
    declared, names = {}, {}
    for field_name in model.translated_fields:
        field = model._meta.get_field(field_name)
        for language in other_languages():
            info = get_language_info(language)
            name = _name(field_name, language)
            names[name] = (field_name, language)
            declared[name] = forms.CharField(
                label=f"{field.verbose_name} ({info['name_translated']})",
                required=False,
                max_length=field.max_length,
                widget=forms.Textarea(attrs={"rows": 3, "lang": language})
                if field.get_internal_type() == "TextField"
                else forms.TextInput(attrs={"lang": language}),
            )
    return type(
        form_class.__name__,
        (TranslationsForm, form_class),
        {**declared, "translation_fields": names, "__module__": __name__},
    )


def side_by_side(fieldsets, model):
    """Put each translated field's other languages on the row of its own."""
    if not _translatable(model):
        return fieldsets
    added = {
        _name(field, language)
        for field in model.translated_fields
        for language in other_languages()
    }

    def row(entry):
        fields = entry if isinstance(entry, (list, tuple)) else (entry,)
        out = []
        for name in fields:
            if name in added or name == "translations":
                continue
            out.append(name)
            if name in model.translated_fields:
                out += [_name(name, code) for code in other_languages()]
        return out[0] if len(out) == 1 else tuple(out)

    result = []
    for title, options in fieldsets:
        rows = [row(entry) for entry in options.get("fields", ())]
        rows = [entry for entry in rows if entry]
        result.append((title, {**options, "fields": tuple(rows)}))
    return result


class TranslatedAdminMixin:
    """An admin (or inline) whose translated fields show every language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = translated_form(self.form, self.model)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "form" in kwargs:  # a form chosen per request (editors' plain form)
            kwargs["form"] = translated_form(kwargs["form"], self.model)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return side_by_side(super().get_fieldsets(request, obj), self.model)

    def get_exclude(self, request, obj=None):
        # The JSON itself is edited through the fields above.
        exclude = super().get_exclude(request, obj) or ()
        return (*exclude, "translations") if _translatable(self.model) else exclude


class MissingTranslationFilter(admin.SimpleListFilter):
    """Services with a description not written in a language yet."""

    title = _("text missing in")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [
            (code, get_language_info(code)["name_translated"])
            for code in other_languages()
        ]

    def queryset(self, request, queryset):
        if self.value() in other_languages():
            return queryset.missing_translation(self.value())
        return queryset
