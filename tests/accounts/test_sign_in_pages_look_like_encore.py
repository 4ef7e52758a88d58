"""Every allauth page a person meets (sign in, sign up, the emailed code, password reset, sign
out) is an Encore page: the site's layout, a centred panel, the site's form fields, one main
button, and Cancel or other ways out that do not look like it."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long fresh passphrase"


def panel(html: str) -> str:
    """The page's own part; encore.css draws it as a centred panel around its auth-title."""
    inner = re.search(r"<main\b[^>]*>(.*?)</main>", html, re.S).group(1)
    assert '<h1 class="auth-title">' in inner, "the page has no panel heading"
    return inner


BUTTON = re.compile(r'<(?:button|a)\b([^>]*class="[^"]*\bbutton\b[^"]*"[^>]*)>(.*?)</(?:button|a)>', re.S)


def buttons(html: str) -> list[tuple[str, str]]:
    """(class, text) of each button or button-like link."""
    return [
        (re.search(r'class="([^"]*)"', attrs).group(1), re.sub(r"<[^>]+>|\s+", " ", text).strip())
        for attrs, text in BUTTON.findall(html)
    ]


def looks_like_encore(html: str, *, fields: bool = True) -> str:
    assert 'class="site-header"' in html  # the site's own layout (base.html)
    inner = panel(html)
    # The site's field component: a labelled .field with its own error slot, not allauth's <p>s.
    assert ('class="field' in inner) == fields
    assert "<p>\n" not in inner or "<input" not in inner.split("<p>\n", 1)[1].split("</p>", 1)[0]
    bare = re.findall(r"<button(?![^>]*\bclass=)[^>]*>", inner)
    assert not bare, f"buttons without the site's classes: {bare}"
    return inner


def primary(inner: str) -> list[str]:
    return [text for cls, text in buttons(inner) if cls.split() == ["button"]]


def test_the_sign_in_page(client):
    inner = looks_like_encore(client.get(reverse("account_login")).content.decode())
    assert primary(inner) == ["Sign In"]
    assert 'class="field' in inner and 'name="password"' in inner


def test_the_sign_up_page(client):
    inner = looks_like_encore(client.get(reverse("account_signup")).content.decode())
    assert primary(inner) == ["Sign Up"]


def test_the_email_code_page_makes_cancel_a_secondary_action(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "nova@example.com", "password1": PASSPHRASE, "password2": PASSPHRASE},
        follow=True,
    )
    inner = looks_like_encore(response.content.decode())
    assert primary(inner) == ["Confirm"]
    others = {text: cls for cls, text in buttons(inner)}
    assert "Cancel" in others
    assert others["Cancel"] != "button"
    assert "secondary" in others["Cancel"].split() or "ghost" in others["Cancel"].split()


def test_the_password_reset_page(client):
    inner = looks_like_encore(client.get(reverse("account_reset_password")).content.decode())
    assert primary(inner) == ["Reset My Password"]


def test_the_sign_out_confirmation(client):
    client.force_login(UserFactory())
    inner = looks_like_encore(client.get(reverse("account_logout")).content.decode(), fields=False)
    assert primary(inner) == ["Sign Out"]
