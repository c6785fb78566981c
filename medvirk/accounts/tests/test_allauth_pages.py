"""Every allauth page renders in our layout: Designsystemet, a unique title, labelled inputs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from medvirk.accounts.tests.factories import UserFactory
from medvirk.accounts.tests.helpers import OIDC, activate_totp, post_login, totp_code


@dataclass
class Page:
    title: str = ""
    h1_count: int = 0
    labels: set[str] = field(default_factory=set)
    inputs: list[tuple[str, str]] = field(default_factory=list)  # (tag, id)
    unlabelled_wrapped: int = 0


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._in_title = False
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            self.page.h1_count += 1
        elif tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.page.labels.add(str(a["for"]))
        elif tag in {"input", "select", "textarea"}:
            if a.get("type") in {"hidden", "submit", "button"}:
                return
            if self._label_depth:
                return  # wrapped in its label
            self.page.inputs.append((tag, str(a.get("id") or "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "label":
            self._label_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data


def parse(html: str) -> Page:
    parser = _PageParser()
    parser.feed(html)
    return parser.page


def _client() -> Client:
    client = Client()
    client.cookies["medvirk_language"] = "en"
    return client


def _logged_in(user=None) -> Client:
    """Log in through the form, so allauth counts it as a recent authentication.

    Logging in switches to the person's preferred language: English, like ``_client``.
    """
    user = user or UserFactory.create(preferred_language="en")
    client = _client()
    post_login(client, user.email)
    return client


def _logged_in_with_totp() -> Client:
    user = UserFactory.create(preferred_language="en")
    secret = activate_totp(user)
    client = _client()
    post_login(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    # Recovery codes exist once they have been generated.
    client.post(reverse("mfa_generate_recovery_codes"))
    return client


def _password_reset_form_page() -> tuple[Client, str]:
    from django.core import mail

    user = UserFactory.create()
    client = _client()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(
        r"https?://testserver(/accounts/password/reset/key/\S+/)", str(mail.outbox[-1].body)
    )
    assert link is not None
    response = client.get(link.group(1))
    return client, response["Location"]


def _pages() -> dict[str, tuple[Client, str]]:
    """(client, url) for every allauth page a person can reach with our settings."""
    anonymous = _client()
    user_client = _logged_in()
    totp_client = _logged_in_with_totp()
    no_password = UserFactory.create()
    no_password.set_unusable_password()
    no_password.save()
    no_password_client = _client()
    no_password_client.force_login(no_password)

    challenged = UserFactory.create(preferred_language="en")
    activate_totp(challenged)
    challenge_client = _client()
    post_login(challenge_client, challenged.email)

    reset_client, reset_url = _password_reset_form_page()

    return {
        "login": (anonymous, reverse("account_login")),
        "signup": (anonymous, reverse("account_signup")),
        "password reset": (anonymous, reverse("account_reset_password")),
        "password reset done": (anonymous, reverse("account_reset_password_done")),
        "password reset from key": (reset_client, reset_url),
        "password reset bad key": (
            anonymous,
            reverse("account_reset_password_from_key", kwargs={"uidb36": "0", "key": "bad-key"}),
        ),
        "password reset from key done": (
            anonymous,
            reverse("account_reset_password_from_key_done"),
        ),
        "verification sent": (anonymous, reverse("account_email_verification_sent")),
        "email confirm bad key": (
            anonymous,
            reverse("account_confirm_email", kwargs={"key": "bad-key"}),
        ),
        "account inactive": (anonymous, reverse("account_inactive")),
        "social login cancelled": (anonymous, reverse("socialaccount_login_cancelled")),
        "social login error": (
            anonymous,
            reverse("openid_connect_callback", kwargs={"provider_id": "idporten"})
            + "?error=server_error",
        ),
        "social login": (
            anonymous,
            reverse("openid_connect_login", kwargs={"provider_id": "idporten"}),
        ),
        "mfa authenticate": (challenge_client, reverse("mfa_authenticate")),
        "logout": (user_client, reverse("account_logout")),
        "email": (user_client, reverse("account_email")),
        "password change": (user_client, reverse("account_change_password")),
        "password set": (no_password_client, reverse("account_set_password")),
        "reauthenticate": (user_client, reverse("account_reauthenticate")),
        "mfa index": (user_client, reverse("mfa_index")),
        "mfa activate": (user_client, reverse("mfa_activate_totp")),
        "social connections": (user_client, reverse("socialaccount_connections")),
        "mfa deactivate": (totp_client, reverse("mfa_deactivate_totp")),
        "recovery codes": (totp_client, reverse("mfa_view_recovery_codes")),
        "recovery codes generate": (totp_client, reverse("mfa_generate_recovery_codes")),
        "mfa reauthenticate": (totp_client, reverse("mfa_reauthenticate")),
    }


@override_settings(SOCIALACCOUNT_PROVIDERS=OIDC)
def test_every_allauth_page_uses_our_layout_with_a_unique_title_and_labelled_inputs(db):
    titles: dict[str, str] = {}
    for name, (client, url) in _pages().items():
        response = client.get(url)
        # A failed provider login answers 401 with its error page.
        expected = 401 if name == "social login error" else 200
        assert response.status_code == expected, (name, url, response.status_code)
        html = response.content.decode()
        page = parse(html)
        assert page.title.endswith(" – Medvirk"), (name, page.title)
        assert page.title not in titles.values(), (name, page.title, titles)
        titles[name] = page.title
        assert page.h1_count == 1, (name, page.h1_count)
        assert 'class="ds-skip-link"' in html, name
        assert 'class="ds-heading"' in html, name
        assert "Menu:" not in html, name  # allauth's own layout is not used
        for tag, element_id in page.inputs:
            assert element_id, (name, tag, "input without id")
            assert element_id in page.labels, (name, tag, element_id, "no label")


@pytest.mark.parametrize("url_name", ["account_login", "account_signup"])
def test_form_errors_use_our_error_summary(client, db, url_name):
    client.cookies["medvirk_language"] = "en"
    html = client.post(reverse(url_name), {}).content.decode()
    assert 'class="ds-error-summary"' in html
    assert 'class="ds-validation-message"' in html


def test_manage_pages_have_breadcrumbs_to_the_profile(db):
    html = _logged_in().get(reverse("account_email")).content.decode()
    assert 'class="ds-breadcrumbs' in html
    assert f'href="{reverse("accounts:profile")}"' in html


def _render_elements(source: str) -> str:
    from django.template import Context, Template
    from django.template.base import Origin

    origin = Origin(name="test.html", template_name="test.html")
    return Template("{% load allauth %}" + source, origin=origin).render(Context({}))


def test_element_templates_give_designsystemet_markup():
    """Pages we do not override (allauth adds new ones) still render with our markup."""
    html = _render_elements(
        "{% element h1 %}Title{% endelement %}"
        "{% element p %}Text{% endelement %}"
        "{% element alert %}{% slot message %}Note{% endslot %}{% endelement %}"
        '{% element form method="post" action="/x/" %}'
        '{% slot body %}{% element field id="f" type="text" name="f" %}'
        "{% slot label %}Label{% endslot %}{% endelement %}{% endslot %}"
        '{% slot actions %}{% element button type="submit" %}Go{% endelement %}'
        '{% element button type="submit" tags="danger,delete" %}Delete{% endelement %}'
        '{% element button href="/back/" tags="link,cancel" %}Back{% endelement %}{% endslot %}'
        "{% endelement %}"
    )
    assert '<h1 class="ds-heading" data-size="lg">Title</h1>' in html
    assert '<p class="ds-paragraph">Text</p>' in html
    assert 'class="ds-alert"' in html
    assert '<form class="stack" method="post" action="/x/" novalidate>' in html
    assert '<label class="ds-label" for="f">Label</label>' in html
    assert '<input class="ds-input" type="text" id="f" name="f">' in html
    assert 'class="ds-button" data-variant="primary">Go</button>' in html
    assert 'data-variant="primary" data-color="danger">Delete</button>' in html
    assert '<a href="/back/" class="ds-button" data-variant="tertiary">Back</a>' in html
