"""user_update_profile: the one write of the profile."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from medvirk.accounts.services import user_update_profile
from medvirk.accounts.tests.factories import UserFactory


def test_saves_name_language_and_frequency(db):
    user = UserFactory.create(full_name="Gammelt Navn")
    user_update_profile(
        user=user, full_name=" Nytt Navn ", preferred_language="nn", email_frequency="immediately"
    )
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language, user.email_frequency) == (
        "Nytt Navn",
        "nn",
        "immediately",
    )


@pytest.mark.parametrize(
    ("language", "frequency"), [("de", "daily"), ("", "daily"), ("nb", "hourly")]
)
def test_refuses_values_medvirk_does_not_offer(db, language, frequency):
    user = UserFactory.create(full_name="Uendret", preferred_language="nb", email_frequency="daily")
    with pytest.raises(ValidationError):
        user_update_profile(
            user=user, full_name="Endret", preferred_language=language, email_frequency=frequency
        )
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language, user.email_frequency) == (
        "Uendret",
        "nb",
        "daily",
    )
