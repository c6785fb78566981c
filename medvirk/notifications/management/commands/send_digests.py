"""Send the daily e-mail summaries. Run once a day from cron or a systemd timer."""

from medvirk.core.commands import TaskCommand
from medvirk.notifications.tasks import send_daily_digests


class Command(TaskCommand):
    help = (
        "E-mail every person who chose the daily summary the notifications they have "
        "not read yet. Safe to run twice: nothing is sent twice."
    )
    task = send_daily_digests
    done_message = "Sent %s daily summaries."
    queued_message = "Queued the daily summaries as task %s."
