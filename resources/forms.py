"""Forms for the public pages."""

from html import escape

from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models.corrections import ChangeRequest, Problem


class ReportProblemForm(forms.ModelForm):
    """'Report a problem' with a listing. `website` is a honeypot for bots.

    Nothing is chosen for the person: they pick what is wrong. For the
    simple reasons (a wrong number, wrong hours, closed) the reason says it
    all, so details are optional; the queue then shows the reason itself.
    """

    # Reasons that need no more words to act on.
    SIMPLE = (Problem.PHONE, Problem.HOURS, Problem.CLOSED)

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = ChangeRequest
        fields = ("problem", "message", "correction", "contact")
        widgets = {
            "problem": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 4}),
            "correction": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "message": _("Details"),
            "correction": _("The correct information (optional)"),
        }
        help_texts = {
            "message": _(
                "What did you find? For example: “The number rings out”. "
                "Optional for a wrong phone number, wrong hours or a closed "
                "service."
            ),
            "contact": _(
                "Only if you want us to reply. We delete it once the report is "
                "dealt with."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No blank "- Select -" choice to pre-select; an organization's own
        # update comes through the admin, not this form.
        problem = self.fields["problem"]
        problem.choices = [
            choice
            for choice in problem.choices
            if choice[0] not in ("", Problem.UPDATE)
        ]
        problem.error_messages["required"] = _("Choose what is wrong.")
        self.fields["message"].required = False

    def clean(self):
        cleaned = super().clean()
        problem = cleaned.get("problem")
        if problem and not (cleaned.get("message") or "").strip():
            if problem in self.SIMPLE:
                # The queue shows the reason as the report's words, in the
                # caseworkers' language whatever the page's.
                with translation.override(settings.LANGUAGE_CODE):
                    cleaned["message"] = str(Problem(problem).label)
                self.instance.message = cleaned["message"]
            else:
                self.add_error("message", _("Tell us what is wrong."))
        return cleaned

    def is_from_a_bot(self) -> bool:
        return bool(self.data.get("website"))


def _e(value) -> str:
    # Django's own escaping (html.escape of str), without its lazy wrapper.
    return escape(str(value))


def _attrs(attrs: dict) -> str:
    # As Django's attrs.html: True is a bare attribute, False none.
    return "".join(
        f" {name}" if value is True else f' {name}="{_e(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_e(value)}"' if value is not None else ""
    return (
        f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _select(widget: dict) -> str:
    options = []
    for group, choices, _index in widget["optgroups"]:
        inner = "".join(
            f'<option value="{_e(option["value"])}"{_attrs(option["attrs"])}>'
            f"{_e(option['label'])}</option>"
            for option in choices
        )
        options.append(
            f'<optgroup label="{_e(group)}">{inner}</optgroup>' if group else inner
        )
    return (
        f'<select name="{_e(widget["name"])}"{_attrs(widget["attrs"])}>'
        f"{''.join(options)}</select>"
    )


class QuickWidgets(DjangoTemplates):
    """Django's widget markup, written in Python for the busiest form.

    The search form's selects and checkboxes cost over a hundred template
    renders a page; these few widgets are the same markup as Django's
    templates, built directly. Any other template renders as usual.
    """

    direct = {
        "django/forms/widgets/select.html": _select,
        "django/forms/widgets/input.html": _input,
        "django/forms/widgets/text.html": _input,
        "django/forms/widgets/number.html": _input,
        "django/forms/widgets/checkbox.html": _input,
        "django/forms/widgets/checkbox_option.html": _input,
    }

    def render(self, template_name, context, request=None):
        build = self.direct.get(template_name)
        if build is None or context["widget"].get("wrap_label"):
            return super().render(template_name, context, request)
        return mark_safe(build(context["widget"]))
