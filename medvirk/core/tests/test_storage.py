"""The private storage is one function, shared by every models module the migrations name."""

from __future__ import annotations

from django.core.files.storage import storages

from medvirk.consultations import models as consultations
from medvirk.core.storage import private_storage
from medvirk.councils import models as councils
from medvirk.questionnaires import models as questionnaires


def test_private_storage_is_the_configured_private_storage():
    assert private_storage() is storages["private"]


def test_the_names_the_migrations_use_are_the_shared_function():
    for module in (consultations, councils, questionnaires):
        assert module.private_storage is private_storage
