"""Forms for the public pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models.corrections import ChangeRequest, Problem


class ReportProblemForm(forms.ModelForm):
    """'Report a problem' with a listing. `website` is a honeypot for bots."""

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
        help_texts = {
            "message": _("What did you find? For example: “The number rings out”."),
            "contact": _(
                "Only if you want us to reply. We delete it once the report is "
                "dealt with."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An organization's own update comes through the admin, not this form.
        self.fields["problem"].choices = [
            choice
            for choice in self.fields["problem"].choices
            if choice[0] != Problem.UPDATE
        ]

    def is_from_a_bot(self) -> bool:
        return bool(self.data.get("website"))
