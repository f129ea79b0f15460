"""Caseworkers' forms: verification, the queue, merging, 2FA, hours."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..hours_input import WEEK, HoursInputError, parse_clock, parse_days
from ..models import ChangeRequest, Closure, Schedule
from ..models.schedules import Weekday
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
    """Which open request on the same listing these repeat, picked from a list."""

    duplicate_of = forms.ModelChoiceField(
        label=_("Duplicate of"),
        queryset=ChangeRequest.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=_("None of these (just close it)"),
    )
    notes = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        services = {r.service_id for r in requests if r.service_id}
        locations = {r.location_id for r in requests if r.location_id}
        field = self.fields["duplicate_of"]
        field.queryset = (
            ChangeRequest.objects.filter(status=ChangeRequest.Status.OPEN)
            .filter(Q(service__in=services) | Q(location__in=locations))
            .exclude(pk__in=[r.pk for r in requests])
            .order_by("created_at")
        )
        field.label_from_instance = lambda original: " · ".join(
            filter(
                None,
                [
                    date_format(original.created_at, "SHORT_DATE_FORMAT"),
                    original.get_problem_display(),
                    Truncator(original.message).chars(80),
                ],
            )
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


# Hours as people type them -------------------------------------------------------


class DaysWidget(forms.MultiWidget):
    """A box per weekday, and a line for anything else ("first Saturday").

    What is ticked and what is typed are read together, so "Mon-Fri" typed
    and Monday to Friday ticked are the same days.
    """

    template_name = "admin/resources/widgets/days.html"  # styled by admin.css

    def __init__(self, attrs=None):
        super().__init__(
            [
                forms.CheckboxSelectMultiple(choices=Weekday.choices),
                forms.TextInput(attrs={"size": 16, "autocomplete": "off"}),
            ],
            attrs,
        )

    def decompress(self, value):
        codes = [code for code in (value or "").split(",") if code]
        ticked = [code for code in codes if code in WEEK]
        others = ",".join(code for code in codes if code not in WEEK)
        if not others:
            return [ticked, ""]
        # In words when the words read back as the same days, else the codes.
        words = Schedule(byday=others).days_display
        try:
            same = parse_days(words).byday == others
        except HoursInputError:
            same = False
        return [ticked, words if same else others]


class DaysField(forms.CharField):
    """Schedule days: ticked weekdays, "Mon-Fri", "first Saturday", iCal codes."""

    widget = DaysWidget

    def to_python(self, value):
        if isinstance(value, list):  # from the widget: [ticked codes, typed words]
            ticked, typed = value
            days = [code for code in ticked or () if code in WEEK]
            value = ", ".join([*days, typed] if typed else days)
        try:
            return parse_days(super().to_python(value)).byday
        except HoursInputError as error:
            raise forms.ValidationError(str(error), code="days") from None


class ClockField(forms.TimeField):
    """An opening or closing time: "9", "9am", "7:30 pm", "19:00", "noon"."""

    widget = forms.TextInput(attrs={"size": 8, "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, dt.time):
            return value
        try:
            return parse_clock(value)
        except HoursInputError as error:
            raise forms.ValidationError(str(error), code="time") from None

    def prepare_value(self, value):
        # 09:00 and 19:30, not 09:00:00: what a person would type back.
        return value.strftime("%H:%M") if isinstance(value, dt.time) else value


class ScheduleForm(forms.ModelForm):
    """A schedule row as caseworkers write it; saved as the same HSDS values."""

    byday = DaysField(
        label=_("Days"),
        required=False,
        max_length=200,
        help_text=_(
            "Tick the days, or type them: Mon-Fri, weekends, every day, first "
            "Saturday (Spanish too: lunes a viernes). None: every day."
        ),
    )
    opens_at = ClockField(
        label=_("Opens at"), required=False, help_text=_("9, 9am, 7:30 pm, 19:00, noon")
    )
    closes_at = ClockField(
        label=_("Closes at"),
        required=False,
        help_text=_(
            "Earlier than the opening time: the next morning. The same as "
            "the opening time: open 24 hours."
        ),
    )

    class Meta:
        model = Schedule
        fields = (
            "service", "location", "service_at_location", "valid_from", "valid_to",
            "dtstart", "timezone", "until", "count", "wkst", "freq", "interval",
            "byday", "byweekno", "bymonthday", "byyearday", "description",
            "opens_at", "closes_at", "schedule_link", "attending_type", "notes",
        )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        # "First Saturday" (1SA) is a monthly rule whatever the menu said.
        if parse_days(cleaned.get("byday") or "").monthly and "freq" in self.fields:
            cleaned["freq"] = Schedule.Frequency.MONTHLY
        return cleaned


class ClosureForm(forms.ModelForm):
    """Holiday closures and special hours, with times typed as in the schedule."""

    opens_at = ClockField(
        label=_("Special hours: opens"),
        required=False,
        help_text=_("Leave both times empty to close all day."),
    )
    closes_at = ClockField(label=_("Special hours: closes"), required=False)

    class Meta:
        model = Closure
        fields = ("first_day", "last_day", "opens_at", "closes_at", "note")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error(
                "last_day", _("The last day closed cannot be before the first.")
            )
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if (opens is None) != (closes is None):
            missing = "closes_at" if closes is None else "opens_at"
            if not self.has_error(missing):
                self.add_error(
                    missing,
                    _("Give special hours both an opening and a closing time."),
                )
        return cleaned
