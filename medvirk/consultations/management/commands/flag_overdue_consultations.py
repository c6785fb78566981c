"""Flag consultations overdue for a decision. Run daily from cron or a systemd timer."""

from medvirk.consultations.tasks import flag_overdue_consultations
from medvirk.core.commands import TaskCommand


class Command(TaskCommand):
    help = (
        "Tell the coordinator and the organisation's leaders about each consultation closed "
        "more than 30 days without a published decision. Each is flagged once, so it is safe "
        "to run daily."
    )
    task = flag_overdue_consultations
    done_message = "Flagged %s overdue consultations."
    queued_message = "Queued the overdue check as task %s."
