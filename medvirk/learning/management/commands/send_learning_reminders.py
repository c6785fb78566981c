"""Remind people of required learning modules. Run daily from cron or a systemd timer."""

from medvirk.core.commands import TaskCommand
from medvirk.learning.tasks import send_learning_reminders


class Command(TaskCommand):
    help = (
        "Remind everyone who has required learning modules they have not completed. "
        "Nobody is reminded more than once a week, so it is safe to run daily."
    )
    task = send_learning_reminders
    done_message = "Sent %s learning reminders."
    queued_message = "Queued the learning reminders as task %s."
