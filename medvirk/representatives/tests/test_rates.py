"""Honorarium rates: history kept, the rate of a day, what may be changed, who may."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.representatives import claims
from medvirk.representatives.claims_selectors import rate_on
from medvirk.representatives.models import Rate
from medvirk.representatives.tests import factories
from medvirk.representatives.tests.cross_org_honorarium import submitted

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(world, client_for):
    client = client_for(world.a["coordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(world, name: str, **kw) -> str:
    return reverse(f"representatives:{name}", kwargs={"org_slug": world.a.org.slug, **kw})


FORM = {
    "effective_from": "",
    "hourly_rate": "400.00",
    "rounding_minutes": "30",
    "rounding": "up",
    "minimum_minutes_in_person": "60",
    "preparation_minutes": "30",
    "per_km": "3.50",
    "lost_earnings_max": "1500",
}


def test_rate_on_picks_the_newest_rate_in_force(world):
    old = factories.rate(world.a, effective_from=datetime.date(2024, 1, 1))
    new = factories.rate(world.a, effective_from=datetime.date(2025, 1, 1))
    factories.rate(world.b, effective_from=datetime.date(2023, 1, 1))
    assert rate_on(world.a.org, datetime.date(2023, 12, 31)) is None
    assert rate_on(world.a.org, datetime.date(2024, 6, 1)) == old
    assert rate_on(world.a.org, datetime.date(2024, 12, 31)) == old
    assert rate_on(world.a.org, datetime.date(2025, 1, 1)) == new


def test_the_list_shows_every_rate_newest_first_and_marks_todays(world, coordinator):
    factories.rate(world.a, effective_from=datetime.date(2023, 1, 1), hourly_rate=Decimal("300"))
    factories.rate(world.a, effective_from=datetime.date(2024, 1, 1), hourly_rate=Decimal("355"))
    factories.rate(
        world.a,
        effective_from=TODAY() + datetime.timedelta(days=40),
        hourly_rate=Decimal("410"),
    )
    page = coordinator.get(_url(world, "honorarium_rates"))
    html = page.content.decode()
    assert page.status_code == 200
    positions = [html.index(amount) for amount in ("410.00", "355.00", "300.00")]
    assert positions == sorted(positions)
    assert html.count("Applies today") == 1
    row_of_355 = html[html.index("355.00") - 300 : html.index("355.00")]
    assert "Applies today" in row_of_355


def test_a_coordinator_adds_a_rate_with_decimal_commas(world, coordinator):
    day = TODAY() + datetime.timedelta(days=10)
    coordinator.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    response = coordinator.post(
        _url(world, "honorarium_rate_create"),
        {**FORM, "effective_from": day.isoformat(), "hourly_rate": "400,00", "per_km": "3,50"},
    )
    assert response.status_code == 302
    rate = Rate.objects.get(organization=world.a.org)
    assert rate.effective_from == day
    assert rate.hourly_rate == Decimal("400.00")
    assert rate.per_km == Decimal("3.50")
    assert rate.lost_earnings_max == Decimal("1500")
    assert rate.preparation_minutes == 30
    assert rate.created_by == world.a["coordinator"]


def test_two_rates_on_one_day_are_refused_with_the_typed_values_kept(world, coordinator):
    factories.rate(world.a, effective_from=datetime.date(2024, 1, 1))
    response = coordinator.post(
        _url(world, "honorarium_rate_create"),
        {**FORM, "effective_from": "2024-01-01", "hourly_rate": "999.00"},
    )
    assert response.status_code == 200
    assert "There is already a rate from this date" in response.content.decode()
    assert 'value="999.00"' in response.content.decode()
    assert Rate.objects.filter(organization=world.a.org).count() == 1


def test_negative_amounts_are_refused(world, coordinator):
    response = coordinator.post(
        _url(world, "honorarium_rate_create"),
        {**FORM, "effective_from": "2030-01-01", "hourly_rate": "-1", "per_km": "-2"},
    )
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not Rate.objects.exists()


def test_an_unused_future_rate_may_be_changed_and_deleted(world, coordinator):
    rate = factories.rate(world.a, effective_from=TODAY() + datetime.timedelta(days=30))
    edit = _url(world, "honorarium_rate_edit", rate_id=rate.pk)
    assert coordinator.get(edit).status_code == 200
    response = coordinator.post(
        edit, {**FORM, "effective_from": rate.effective_from.isoformat(), "hourly_rate": "420"}
    )
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.hourly_rate == Decimal("420")
    response = coordinator.post(_url(world, "honorarium_rate_delete", rate_id=rate.pk))
    assert response.status_code == 302
    assert not Rate.objects.filter(pk=rate.pk).exists()


def test_a_rate_used_by_a_submitted_claim_is_never_changed(world, coordinator):
    # The rate applies from today (so it would otherwise still be open) and a claim used it.
    rate = factories.rate(world.a, effective_from=TODAY())
    submitted(world.a, worked_on=TODAY())
    edit = _url(world, "honorarium_rate_edit", rate_id=rate.pk)
    response = coordinator.post(edit, {**FORM, "effective_from": TODAY().isoformat()})
    assert response.status_code == 302
    assert (
        coordinator.post(_url(world, "honorarium_rate_delete", rate_id=rate.pk)).status_code == 302
    )
    rate.refresh_from_db()
    assert rate.hourly_rate == Decimal("355.00")
    rate.hourly_rate = Decimal("1")
    with pytest.raises(ValidationError):
        claims.rate_save(rate=rate)
    with pytest.raises(ValidationError):
        claims.rate_delete(rate=rate)
    assert Rate.objects.get(pk=rate.pk).hourly_rate == Decimal("355.00")


def test_a_rate_that_has_applied_is_history(world):
    rate = factories.rate(world.a, effective_from=datetime.date(2020, 1, 1))
    rate.hourly_rate = Decimal("1")
    with pytest.raises(ValidationError):
        claims.rate_save(rate=rate)
    with pytest.raises(ValidationError):
        claims.rate_delete(rate=rate)


def test_a_changed_rate_cannot_move_into_the_past(world):
    rate = factories.rate(world.a, effective_from=TODAY() + datetime.timedelta(days=3))
    rate.effective_from = TODAY() - datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as raised:
        claims.rate_save(rate=rate)
    assert "effective_from" in raised.value.message_dict


@pytest.mark.parametrize("role", ["representative", "leader", "user", "staff"])
def test_only_coordinators_and_admins_keep_rates(world, client_for, role):
    client = client_for(world.a[role])
    assert client.get(_url(world, "honorarium_rates")).status_code == 404
    assert client.get(_url(world, "honorarium_rate_create")).status_code == 404


# Pinned: session, user, MFA, memberships and organisation (org_context), today's rate, the
# page count, the page of rates (use annotated, creator joined), the bell and the navigation.
RATE_LIST_QUERIES = 10


@pytest.mark.parametrize("count", [3, 30])
def test_the_rate_list_has_a_fixed_number_of_queries(world, coordinator, count):
    for number in range(count):
        factories.rate(world.a, effective_from=datetime.date(2000 + number, 1, 1))
    submitted(world.a)
    with CaptureQueriesContext(connection) as queries:
        page = coordinator.get(_url(world, "honorarium_rates"))
    assert page.status_code == 200
    assert len(queries) == RATE_LIST_QUERIES, "\n".join(q["sql"][:150] for q in queries)
