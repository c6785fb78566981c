from __future__ import annotations

from typing import Any
from unittest import mock

import factory

from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.organizations.tests.factories import OrganizationFactory


class AccessLogEntryFactory(factory.django.DjangoModelFactory[AccessLogEntry]):
    """An entry; pass ``created_at`` to date it (the model stamps the time itself)."""

    class Meta:
        model = AccessLogEntry

    organization = factory.SubFactory(OrganizationFactory)
    actor = None
    actor_label = factory.Sequence(lambda n: f"actor{n}@example.test")
    action = AccessAction.VIEW
    subject = None
    subject_label = factory.Sequence(lambda n: f"subject{n}@example.test")
    object_type = "organizations.unit"
    object_id = factory.Sequence(str)
    object_label = factory.Sequence(lambda n: f"Record {n}")

    @classmethod
    def _create(cls, model_class: type[AccessLogEntry], *args: Any, **kwargs: Any) -> Any:
        created_at = kwargs.pop("created_at", None)
        if created_at is None:
            return super()._create(model_class, *args, **kwargs)
        # auto_now_add ignores a given value: make "now" the wanted time instead.
        with mock.patch("django.utils.timezone.now", return_value=created_at):
            return super()._create(model_class, *args, **kwargs)
