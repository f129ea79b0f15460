"""Listing text in several languages: the shape of `translations`. Pure Python.

A translatable object keeps its text in the directory's base language in
its own fields and the other languages' text in one value,

    {"es": {"name": "...", "description": "..."}}

which the models store, the admin edits and HSDS files carry as our
`translations` extension.
"""

import re

# BCP 47 as HSDS `language.code` uses it: "es", "pt-BR", "ase".
LANGUAGE_CODE_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def translations_problem(value, fields: tuple[str, ...]) -> str:
    """Return why `value` is not {language code: {field: text}}, or ""."""
    if not isinstance(value, dict):
        return "translations must be an object of language codes."
    for code, texts in value.items():
        if not (isinstance(code, str) and LANGUAGE_CODE_PATTERN.fullmatch(code)):
            return f"{code!r} is not a language code such as 'es'."
        if not isinstance(texts, dict):
            return f"translations[{code!r}] must be an object of fields."
        for field, text in texts.items():
            if field not in fields:
                allowed = ", ".join(fields)
                return f"{field!r} cannot be translated here (only {allowed})."
            if not isinstance(text, str):
                return f"translations[{code!r}][{field!r}] must be text."
    return ""


def too_long(value: dict, limits: dict[str, int | None]) -> str:
    """Return why a text of `value` passes its field's length limit, or ""."""
    for code, texts in value.items():
        for field, text in texts.items():
            limit = limits.get(field)
            if limit and len(text) > limit:
                return (
                    f"translations[{code!r}][{field!r}] has {len(text)} "
                    f"characters; at most {limit} fit."
                )
    return ""
