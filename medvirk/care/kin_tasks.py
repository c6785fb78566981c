"""Background work of next-of-kin access, run by the task worker (django-tasks).

Tasks take ids, not objects: arguments are stored as JSON until a worker
picks them up. The work itself is in ``kin``.
"""

from __future__ import annotations

from django_tasks import task

from medvirk.care import kin


@task()
def send_kin_invitation(grant_id: int) -> bool:
    """E-mail a next-of-kin invitation (no-op if it was withdrawn or accepted meanwhile)."""
    return kin.invitation_email_send(grant_id=grant_id)
