"""Forms of the honorarium pages: rates, claims, the coordinators' filter and rejection.

Amounts accept the language's decimal comma ("3,50") as well as a point.
Files are checked for type and size when the form is cleaned, so a wrong
file is refused with the other errors and nothing is stored.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.models import User
from medvirk.representatives import claims_selectors as selectors
from medvirk.representatives.claims import ClaimFiles, ClaimValues, check_claim_file
from medvirk.representatives.models import Assignment, Claim, ClaimStatus, Rate

FILE_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
FILE_HELP = _("A PDF or a photo (JPEG or PNG), at most 10 MB.")
MAX_MINUTES = 24 * 60


class DateInput(forms.DateInput):
    """The browser's date picker; it always sends ISO dates, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MonthInput(forms.TextInput):
    input_type = "month"


def _amount(label: Any, *, max_digits: int, decimal_places: int, **kw: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_digits=max_digits,
        decimal_places=decimal_places,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kw,
    )


# --- Rates --------------------------------------------------------------------------------------


ROUNDING_STEPS = [
    (0, _("No rounding: the exact minutes")),
    (15, _("15 minutes")),
    (30, _("30 minutes (half an hour)")),
    (60, _("1 hour")),
]


class RateForm(forms.ModelForm):
    rounding_minutes = forms.TypedChoiceField(
        label=_("Round time to"), choices=ROUNDING_STEPS, coerce=int, initial=30
    )
    hourly_rate = _amount(_("Hourly rate (NOK)"), max_digits=8, decimal_places=2)
    per_km = _amount(
        _("Travel per km (NOK)"),
        max_digits=6,
        decimal_places=2,
        initial=Decimal("0"),
        help_text=_("Tickets for public transport are paid as on the receipt."),
    )
    lost_earnings_max = _amount(
        _("Documented lost earnings, most per day (NOK)"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty for no upper limit."),
    )

    class Meta:
        model = Rate
        fields = [
            "effective_from",
            "hourly_rate",
            "rounding_minutes",
            "rounding",
            "minimum_minutes_in_person",
            "preparation_minutes",
            "per_km",
            "lost_earnings_max",
        ]
        widgets = {"effective_from": DateInput(), "rounding": forms.RadioSelect()}
        help_texts = {
            "effective_from": _(
                "Claims for work on this day and later are paid by this rate, until a newer one."
            ),
            "minimum_minutes_in_person": _(
                "Attending in person pays at least this much time. 0 for no minimum."
            ),
            "preparation_minutes": _(
                "Added to each meeting's time before rounding. 0 if preparation is not paid."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("minimum_minutes_in_person", "preparation_minutes"):
            field = self.fields[name]
            assert isinstance(field, forms.IntegerField)
            field.max_value = MAX_MINUTES
            field.validators.append(MaxValueValidator(MAX_MINUTES))
            field.widget.attrs["max"] = MAX_MINUTES


# --- Claims -------------------------------------------------------------------------------------


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assignment: Assignment = obj
        starts = assignment.starts_on.strftime("%d.%m.%Y")
        if assignment.ends_on:
            return f"{assignment.title} ({starts}–{assignment.ends_on:%d.%m.%Y})"
        return f"{assignment.title} ({_('from')} {starts})"


class ClaimForm(forms.Form):
    worked_on = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(
        label=_("What"),
        max_length=300,
        help_text=_(
            "For example “Meeting of the user council” or "
            "“Read the documents for the project group”."
        ),
    )
    assignment = AssignmentChoiceField(
        label=_("Assignment"), queryset=Assignment.objects.none(), empty_label=None
    )
    minutes = forms.IntegerField(
        label=_("Time spent (minutes)"),
        min_value=1,
        max_value=MAX_MINUTES,
        help_text=_("For example 100 for 1 hour 40 minutes. Preparation is entered below."),
    )
    in_person = forms.BooleanField(
        label=_("I attended in person"),
        required=False,
        help_text=_("Attending in person pays at least the minimum time."),
    )
    preparation_minutes = forms.IntegerField(
        label=_("Preparation (minutes)"),
        min_value=0,
        max_value=MAX_MINUTES,
        required=False,
        help_text=_("The rate says how much preparation is paid per meeting."),
    )
    travel_km = _amount(
        _("Travel by car (km)"),
        max_digits=7,
        decimal_places=1,
        required=False,
        help_text=_("There and back."),
    )
    ticket_amount = _amount(
        _("Ticket for public transport (NOK)"), max_digits=8, decimal_places=2, required=False
    )
    ticket_receipt = forms.FileField(
        label=_("Receipt for the ticket"),
        required=False,
        help_text=FILE_HELP,
        widget=forms.FileInput(attrs={"accept": FILE_ACCEPT}),
    )
    remove_ticket_receipt = forms.BooleanField(label=_("Remove the receipt"), required=False)
    lost_earnings = _amount(
        _("Documented lost earnings (NOK)"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_(
            "Income you lost because of the assignment, with documentation from your employer."
        ),
    )
    lost_earnings_document = forms.FileField(
        label=_("Documentation of lost earnings"),
        required=False,
        help_text=FILE_HELP,
        widget=forms.FileInput(attrs={"accept": FILE_ACCEPT}),
    )
    remove_lost_earnings_document = forms.BooleanField(
        label=_("Remove the documentation"), required=False
    )

    def __init__(
        self,
        *args: Any,
        organization: Any,
        user: User,
        claim: Claim | None = None,
        **kwargs: Any,
    ) -> None:
        if claim is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                field: getattr(claim, field)
                for field in (
                    "worked_on",
                    "description",
                    "minutes",
                    "in_person",
                    "preparation_minutes",
                    "travel_km",
                    "ticket_amount",
                    "lost_earnings",
                )
            } | {"assignment": claim.assignment_id}
        super().__init__(*args, **kwargs)
        self.claim = claim
        assignment_field = self.fields["assignment"]
        assert isinstance(assignment_field, forms.ModelChoiceField)
        assignment_field.queryset = selectors.paid_assignments(organization, user)
        if claim is None or not claim.ticket_receipt:
            del self.fields["remove_ticket_receipt"]
        if claim is None or not claim.lost_earnings_document:
            del self.fields["remove_lost_earnings_document"]

    def _clean_file(self, name: str) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get(name)
        if upload:
            check_claim_file(upload)  # ValidationError names the allowed types
        return upload or None

    def clean_ticket_receipt(self) -> UploadedFile | None:
        return self._clean_file("ticket_receipt")

    def clean_lost_earnings_document(self) -> UploadedFile | None:
        return self._clean_file("lost_earnings_document")

    def values(self) -> ClaimValues:
        data = self.cleaned_data
        return ClaimValues(
            worked_on=data["worked_on"],
            description=data["description"],
            assignment=data["assignment"],
            minutes=data["minutes"],
            in_person=bool(data.get("in_person")),
            preparation_minutes=data.get("preparation_minutes") or 0,
            travel_km=data.get("travel_km") or Decimal("0"),
            ticket_amount=data.get("ticket_amount") or Decimal("0"),
            lost_earnings=data.get("lost_earnings") or Decimal("0"),
        )

    def files_given(self) -> ClaimFiles:
        data = self.cleaned_data
        return ClaimFiles(
            ticket_receipt=data.get("ticket_receipt"),
            lost_earnings_document=data.get("lost_earnings_document"),
            remove_ticket_receipt=bool(data.get("remove_ticket_receipt")),
            remove_lost_earnings_document=bool(data.get("remove_lost_earnings_document")),
        )

    def preview_claim(self, organization: Any, user: User) -> Claim:
        """An unsaved claim with the typed values, to preview its amounts."""
        claim = Claim(organization=organization, user=user, status=ClaimStatus.DRAFT)
        for name, value in vars(self.values()).items():
            setattr(claim, name, value)
        return claim


# --- The coordinators' queue ---------------------------------------------------------------------

ALL = "all"
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("Everyone")
    )
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=MonthInput(attrs={"placeholder": "2025-03"}),
        help_text=_("The month the work was done, as year-month (2025-03)."),
    )

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [
            *((str(s.value), s.label) for s in selectors.QUEUE_STATUSES),
            (ALL, _("All")),
        ]
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = selectors.claimants(organization)

    def clean_month(self) -> tuple[int, int] | None:
        raw = (self.cleaned_data.get("month") or "").strip()
        if not raw:
            return None
        found = MONTH.match(raw)
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise forms.ValidationError(_("Write the month as year-month, for example 2025-03."))
        return int(found.group(1)), int(found.group(2))

    def filters(self) -> selectors.QueueFilter:
        if not self.is_bound:
            return selectors.QueueFilter()
        if not self.is_valid():
            return selectors.QueueFilter()
        data = self.cleaned_data
        status = data.get("status") or ClaimStatus.SUBMITTED
        person = data.get("person")
        return selectors.QueueFilter(
            status="" if status == ALL else status,
            user_id=person.pk if person is not None else None,
            month=data.get("month"),
        )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The person is told the reason, and can correct the claim and submit it again."
        ),
    )
