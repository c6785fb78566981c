"""Signals other apps listen to, so that councils need not know them."""

from django.dispatch import Signal

# Sent by ``meeting_services.attendance_record`` with ``meeting`` and ``attended_user_ids``
# once attendance is saved (honorarium claims are drafted from it).
attendance_recorded = Signal()
