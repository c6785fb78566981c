from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepresentativesConfig(AppConfig):
    name = "medvirk.representatives"
    verbose_name = _("User representatives")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from medvirk.councils.signals import attendance_recorded
        from medvirk.representatives import claims

        # A meeting invitation saved as attended drafts the person's honorarium claim.
        post_save.connect(
            claims.on_invitation_saved,
            sender="councils.Invitation",
            dispatch_uid="representatives_draft_claim_on_attendance",
        )
        # Attendance recorded on the meeting page (saved in bulk, so no post_save).
        attendance_recorded.connect(
            claims.on_attendance_recorded,
            dispatch_uid="representatives_draft_claims_on_attendance_recorded",
        )
