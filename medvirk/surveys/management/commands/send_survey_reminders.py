"""Remind invitees of identified surveys. Run daily from cron or a systemd timer."""

from medvirk.core.commands import TaskCommand
from medvirk.surveys.tasks import send_survey_reminders


class Command(TaskCommand):
    help = (
        "Remind people invited to an identified survey who have not answered after the "
        "survey's reminder delay. Each person is reminded once, so it is safe to run daily."
    )
    task = send_survey_reminders
    done_message = "Sent %s survey reminders."
    queued_message = "Queued the survey reminders as task %s."
