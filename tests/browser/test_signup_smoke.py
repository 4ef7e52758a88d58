import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_visitor_signs_up_verifies_by_code_and_sees_their_artist_page(open_page):
    page = open_page("/accounts/signup/")
    page.fill("input[name=email]", "rita@example.com")
    page.fill("input[name=display_name]", "Rita")
    page.fill("input[name=password1]", "sturdy-pass-9182")
    page.fill("input[name=password2]", "sturdy-pass-9182")
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()

    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)
    page.fill("input[name=code]", code)
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    page.locator("summary", has_text="Menu").click()
    expect(page.get_by_role("link", name="Become an artist")).to_be_visible()

    page.get_by_role("link", name="Become an artist").click()
    page.fill("input[name=stage_name]", "Rita Rua")
    page.get_by_role("button", name="Create my artist page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rita Rua")
    expect(page.get_by_text("0 followers")).to_be_visible()
