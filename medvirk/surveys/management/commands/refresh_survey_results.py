"""Bring the stored result sums of every survey round up to date, for cron and deploys."""

from medvirk.core.commands import TaskCommand
from medvirk.surveys.results_tasks import refresh_behind_round_sums


class Command(TaskCommand):
    help = (
        "Bring up to date the stored result sums of every survey round that has them "
        "missing or behind (also after a deploy that changed what is stored), so that "
        "no results page has to add up a large round. Safe to run at any time."
    )
    task = refresh_behind_round_sums
    done_message = "Refreshed the stored results of %s survey rounds."
    queued_message = "Queued the survey results refresh as task %s."
