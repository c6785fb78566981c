"""/healthz tells a load balancer whether the database answers."""

from unittest import mock

from django.db import DatabaseError


def test_healthz_is_200_when_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_is_503_when_database_fails(client, db):
    with mock.patch("medvirk.core.views.connection") as connection:
        connection.cursor.side_effect = DatabaseError("down")
        response = client.get("/healthz")
    assert response.status_code == 503


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200
