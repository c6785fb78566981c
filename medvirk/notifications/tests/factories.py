from __future__ import annotations

import factory

from medvirk.accounts.tests.factories import UserFactory
from medvirk.notifications.models import EmailDelivery, Notification


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    """A notification as ``notify`` would leave it, without rendering templates."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    message = "welcome"
    subject = factory.Sequence(lambda n: f"Melding nummer {n}")
    body = "Hei,\n\nDette er en melding."
    body_html = "<p>Hei,</p><p>Dette er en melding.</p>"
    url = "/"
    email_delivery = EmailDelivery.NONE
