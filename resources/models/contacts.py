"""Ways to reach a service: contacts, phones, languages (HSDS contact cluster)."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from .base import (
    HSDSModel,
    Translatable,
    choices_constraint,
    required_text_constraint,
    tracked_history,
)


def _optional(model: str, related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        model,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
    )


class Contact(HSDSModel):
    organization = _optional("resources.Organization", "contacts")
    service = _optional("resources.Service", "contacts")
    service_at_location = _optional("resources.ServiceAtLocation", "contacts")
    location = _optional("resources.Location", "contacts")
    name = models.CharField(max_length=255, blank=True, default="")
    title = models.CharField(max_length=255, blank=True, default="")
    department = models.CharField(max_length=255, blank=True, default="")
    email = models.EmailField(blank=True, default="")

    history = tracked_history()

    def __str__(self):
        return self.name or self.email or str(self.pk)


class PhoneType(models.TextChoices):
    # RFC 6350 TEL types, as HSDS describes them.
    VOICE = "voice", _("Voice")
    TEXT = "text", _("Text (SMS)")
    TEXTPHONE = "textphone", _("TTY / textphone")
    CELL = "cell", _("Mobile")
    FAX = "fax", _("Fax")
    VIDEO = "video", _("Video")
    PAGER = "pager", _("Pager")


# A fax or a pager cannot be called: never a Call button, never the main phone.
NOT_CALLABLE = (PhoneType.FAX, PhoneType.PAGER)


class Phone(Translatable, HSDSModel):
    translated_fields = ("description",)

    Type = PhoneType

    location = _optional("resources.Location", "phones")
    service = _optional("resources.Service", "phones")
    organization = _optional("resources.Organization", "phones")
    contact = _optional(Contact, "phones")
    service_at_location = _optional("resources.ServiceAtLocation", "phones")
    number = models.CharField(_("number"), max_length=50)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(
        _("type"), max_length=10, choices=Type, blank=True, default=Type.VOICE
    )
    description = models.TextField(blank=True, default="")
    # Extension: the number a listing's Call (or Text) button offers first.
    main = models.BooleanField(
        _("main phone"),
        default=False,
        help_text=_(
            "The number people should call first: the big Call (or Text) "
            "button on the listing's card and page. One per listing."
        ),
    )

    history = tracked_history()

    class Meta:
        constraints = [
            required_text_constraint("phone", "number"),
            choices_constraint("phone", "type", PhoneType, blank=True),
            models.CheckConstraint(
                condition=~Q(main=True, type__in=NOT_CALLABLE),
                name="phone_main_callable",
                violation_error_message=_(
                    "A fax or pager number cannot be the main phone."
                ),
            ),
        ]
        indexes = [models.Index(fields=["number"], name="phone_number_idx")]

    def __str__(self):
        return self.number

    @property
    def tel_uri(self) -> str:
        """Return the number as a `tel:` URI: digits and a leading + only."""
        digits = "".join(ch for ch in self.number if ch.isdigit() or ch == "+")
        if self.extension:
            digits += f";ext={self.extension}"
        return f"tel:{digits}"

    @property
    def sms_uri(self) -> str:
        return "sms:" + "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


class Language(HSDSModel):
    service = _optional("resources.Service", "languages")
    location = _optional("resources.Location", "languages")
    phone = _optional(Phone, "languages")
    name = models.CharField(_("language"), max_length=100, blank=True, default="")
    code = models.CharField(
        max_length=10,
        blank=True,
        default="",
        help_text=_("ISO 639-1 or 639-3 code, e.g. es."),
    )
    note = models.TextField(blank=True, default="")

    history = tracked_history()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(code=""),
                name="language_name_or_code",
                violation_error_message=_("Give a language name or code."),
            )
        ]
        # The search page matches codes whatever their case ("es", "ES").
        indexes = [models.Index(Upper("code"), name="language_code_upper_idx")]

    def __str__(self):
        return self.name or self.code
