"""Forms of consultations. Every one renders through the shared form templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.models import User
from medvirk.consultations.choices import ResponseMode, Stage
from medvirk.consultations.models import Consultation
from medvirk.core.uploads import check_upload
from medvirk.councils.access import visible_councils
from medvirk.councils.models import Meeting, UserOrganization
from medvirk.organizations.access import OrgContext
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role
from medvirk.questionnaires.choices import VersionStatus
from medvirk.questionnaires.models import QuestionnaireVersion

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# The real type of a document (read from its first bytes), never the name or the browser's word.
DOCUMENT_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "image/png",
    "image/jpeg",
)
TEXT_MAX_LENGTH = 20_000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ListFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *Stage.choices], required=False
    )


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return gettext("%(title)s (version %(number)s)") % {
            "title": obj.questionnaire.title,
            "number": obj.number,
        }


class ConsultationForm(forms.ModelForm):
    """The consultation, its audience and how it is answered."""

    class Meta:
        model = Consultation
        fields = [
            "title",
            "question",
            "background",
            "opens_on",
            "closes_on",
            "coordinator",
            "audience_councils",
            "audience_user_organizations",
            "audience_all_representatives",
            "audience_public",
            "response_mode",
            "questionnaire_version",
            "responses_visible_to",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "background": forms.Textarea(attrs={"rows": 8}),
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "audience_councils": forms.CheckboxSelectMultiple,
            "audience_user_organizations": forms.CheckboxSelectMultiple,
            "response_mode": forms.RadioSelect,
            "responses_visible_to": forms.RadioSelect,
        }
        help_texts = {
            "background": _(
                "What people need to know to answer. You can use Markdown: **bold**, lists, links."
            ),
            "closes_on": _("People can answer until the end of this day."),
            "audience_user_organizations": _(
                "Council members who represent one of these organisations are asked."
            ),
            "audience_all_representatives": _(
                "Everyone with the role user representative in the organisation."
            ),
            "audience_public": _(
                "Everyone in the organisation, and anyone on the public page without logging in."
            ),
            "questionnaire_version": _("One of the organisation's active forms."),
        }

    def __init__(self, *args: Any, context: OrgContext, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        organization = context.organization
        fields = self.fields
        councils: forms.ModelMultipleChoiceField = fields["audience_councils"]  # type: ignore[assignment]
        councils.queryset = visible_councils(context).filter(is_active=True)
        user_orgs: forms.ModelMultipleChoiceField = fields["audience_user_organizations"]  # type: ignore[assignment]
        user_orgs.queryset = UserOrganization.objects.all()
        versions = QuestionnaireVersion.objects.filter(
            questionnaire__organization=organization, status=VersionStatus.ACTIVE
        ).select_related("questionnaire")
        if self.instance.questionnaire_version_id:
            versions = versions | QuestionnaireVersion.objects.filter(
                pk=self.instance.questionnaire_version_id
            ).select_related("questionnaire")
        fields["questionnaire_version"] = VersionChoiceField(
            queryset=versions.order_by("questionnaire__title"),
            required=False,
            label=_("Form"),
            help_text=self.Meta.help_texts["questionnaire_version"],
        )
        runners = Membership.objects.filter(
            organization=organization, role__in=[Role.COORDINATOR, Role.ADMIN]
        ).values("user_id")
        coordinator: forms.ModelChoiceField = fields["coordinator"]  # type: ignore[assignment]
        # The current coordinator stays choosable even after losing the role.
        current = Q(pk=self.instance.coordinator_id) if self.instance.coordinator_id else Q()
        coordinator.queryset = User.objects.filter(Q(pk__in=runners) | current).order_by(
            "full_name"
        )
        if not self.instance.pk:
            self.initial.setdefault("coordinator", context.user.pk)
        for name in ("question", "background"):
            fields[name].max_length = TEXT_MAX_LENGTH  # type: ignore[attr-defined]
        if not councils.queryset.exists():
            del fields["audience_councils"]
        if not user_orgs.queryset.exists():
            del fields["audience_user_organizations"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on",
                gettext("The closing date must be on or after the opening date (%(date)s).")
                % {"date": formats.date_format(opens, "SHORT_DATE_FORMAT")},
            )
        mode = data.get("response_mode")
        if mode == ResponseMode.QUESTIONNAIRE and not data.get("questionnaire_version"):
            self.add_error("questionnaire_version", gettext("Choose the form people answer."))
        if mode == ResponseMode.FREE_TEXT:
            data["questionnaire_version"] = None
        if not (
            data.get("audience_public")
            or data.get("audience_all_representatives")
            or data.get("audience_councils")
            or data.get("audience_user_organizations")
        ):
            self.add_error(
                "audience_all_representatives",
                gettext(
                    "Choose who is asked: councils, user organisations, all "
                    "representatives or the public."
                ),
            )
        if self.instance.pk and self._answers_would_change(data):
            self.add_error(
                "response_mode",
                gettext("People have already answered: the way to answer cannot change now."),
            )
        return data

    def _answers_would_change(self, data: dict[str, Any]) -> bool:
        instance = Consultation.objects.get(pk=self.instance.pk)
        version = data.get("questionnaire_version")
        changed = data.get("response_mode") != instance.response_mode or (
            (version.pk if version else None) != instance.questionnaire_version_id
        )
        return changed and instance.responses.exists()

    def save_instance(self) -> Consultation:
        """The consultation with the form's values (not yet stored; the service stores it)."""
        consultation: Consultation = self.save(commit=False)
        consultation.questionnaire_version = self.cleaned_data.get("questionnaire_version")
        return consultation


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, ODT, PNG or JPEG, at most 20 MB."),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        self.content_type = check_upload(
            upload,
            allowed=DOCUMENT_TYPES,
            max_bytes=DOCUMENT_MAX_BYTES,
            too_large=gettext("The file is larger than 20 MB."),
            wrong_type=gettext("The file must be a PDF, DOCX, ODT, PNG or JPEG document."),
        )
        return upload


class ResponseForm(forms.Form):
    """A free-text response, perhaps on behalf of an organisation the person represents."""

    text = forms.CharField(
        label=_("Your input"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": _("Write your input.")},
    )
    on_behalf_of = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=UserOrganization.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )

    def __init__(self, *args: Any, represented: QuerySet[UserOrganization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if represented.exists():
            self.fields["on_behalf_of"].queryset = represented  # type: ignore[attr-defined]
        else:
            del self.fields["on_behalf_of"]


class BehalfForm(forms.Form):
    """For a form response: whom the answers speak for, chosen beside the form."""

    on_behalf_of = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=UserOrganization.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )

    def __init__(self, *args: Any, represented: QuerySet[UserOrganization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_behalf_of"].queryset = represented  # type: ignore[attr-defined]


class PublicResponseForm(forms.Form):
    text = forms.CharField(
        label=_("Your input"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": _("Write your input.")},
    )
    contact_email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_(
            "Only if you want to hear about the decision. The address is used for that one "
            "e-mail and then erased."
        ),
    )
    # A trap for robots: people never see this field, so any value means a robot.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class MeetingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        when = formats.date_format(timezone.localtime(obj.starts_at), "SHORT_DATE_FORMAT")
        return f"{obj.title} ({obj.council.name}, {when})"


class DecisionForm(forms.ModelForm):
    """What we heard and the decision; "publish" requires the decision and how input was used."""

    class Meta:
        model = Consultation
        fields = [
            "what_we_heard",
            "decision",
            "input_used",
            "not_followed",
            "decided_by",
            "decided_on",
            "meetings",
        ]
        widgets = {
            "what_we_heard": forms.Textarea(attrs={"rows": 8}),
            "decision": forms.Textarea(attrs={"rows": 5}),
            "input_used": forms.Textarea(attrs={"rows": 5}),
            "not_followed": forms.Textarea(attrs={"rows": 5}),
            "decided_on": DateInput(),
            "meetings": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "what_we_heard": _("A summary of the input, in words the respondents recognise."),
            "decided_by": _("For example the municipal council or the head of the service."),
            "decided_on": _("Today if left empty when you publish."),
            "meetings": _("Meetings where the input was discussed."),
        }

    def __init__(self, *args: Any, context: OrgContext, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meetings = (
            Meeting.objects.filter(council__in=visible_councils(context).values("pk"))
            .select_related("council")
            .order_by("-starts_at")
        )
        if meetings.exists():
            self.fields["meetings"] = MeetingChoiceField(
                queryset=meetings,
                required=False,
                label=_("Meetings it fed"),
                help_text=self.Meta.help_texts["meetings"],
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            del self.fields["meetings"]
        for name in ("what_we_heard", "decision", "input_used", "not_followed"):
            self.fields[name].max_length = TEXT_MAX_LENGTH  # type: ignore[attr-defined]

    def chosen_meetings(self) -> Any:
        return self.cleaned_data.get("meetings") if "meetings" in self.fields else None
