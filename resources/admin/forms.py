"""Forms of the caseworkers' own admin pages: verification, the queue, merging, 2FA."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.verification import VerificationMethod, VerificationOutcome


class VerifyForm(forms.Form):
    """Log one verification of one listing."""

    method = forms.ChoiceField(
        label=_("How did you check?"), choices=VerificationMethod.choices
    )
    outcome = forms.ChoiceField(
        label=_("What did you find?"),
        choices=VerificationOutcome.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who you spoke to, what changed, when to call back."),
    )


class BulkVerifyForm(forms.Form):
    """Mark several listings confirmed at once: only with a method and a note."""

    method = forms.ChoiceField(
        label=_("How did you check?"), choices=VerificationMethod.choices
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required: say what you checked, e.g. the provider's annual "
            "confirmation email of 3 March."
        ),
    )

    def clean_notes(self):
        notes = self.cleaned_data["notes"].strip()
        if not notes:
            raise forms.ValidationError(_("Say what you checked."))
        return notes


class AcceptForm(forms.Form):
    verify = forms.BooleanField(
        label=_("Also record a verification of the listing"), required=False
    )
    method = forms.ChoiceField(
        label=_("How was it verified?"),
        choices=[("", "---------"), *VerificationMethod.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("verify") and not data.get("method"):
            self.add_error("method", _("Say how the listing was verified."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept with the request, e.g. “Checked by phone: the number is right”."
        ),
    )


class DuplicateForm(forms.Form):
    duplicate_of = forms.UUIDField(
        label=_("Duplicate of request (id, optional)"), required=False
    )
    notes = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    keep = forms.ChoiceField(label=_("Keep"), widget=forms.RadioSelect)

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (str(record.pk), str(record)) for record in records
        ]


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
            }
        ),
        help_text=_("The 6-digit code from your authenticator app, or a backup code."),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).lower()
