"""Who sees what: anonymous users log in first, non-staff are refused, logout is a POST."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    ("dashboard:home", []),
    ("dashboard:runs", []),
    ("dashboard:run", ["0" * 36]),
    ("dashboard:events", []),
    ("dashboard:venue", ["0" * 36]),
    ("dashboard:artist", ["0" * 36]),
    ("dashboard:event", ["0" * 36]),
    ("dashboard:raw", ["0" * 36]),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_users_are_sent_to_log_in(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_logged_in_non_staff_are_refused(user_client, name, args):
    response = user_client.get(reverse(name, args=args))
    assert response.status_code == 403


def test_root_is_the_public_listing_not_the_dashboard(client):
    # Issue 8: "/" became the public listing; the dashboard stays behind its login.
    response = client.get("/")
    assert response.status_code == 200
    assert "Operator" not in response.content.decode()
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_login_page_is_styled_like_the_dashboard(client):
    response = client.get(reverse("login") + "?next=/dashboard/runs/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "sms.css" in content
    assert 'name="next" value="/dashboard/runs/"' in content
    assert "csrfmiddlewaretoken" in content


def test_logging_in_leads_back_to_the_page_asked_for(client, staff):
    response = client.post(
        reverse("login"),
        {"username": "operator", "password": "pw-operator-1", "next": "/dashboard/runs/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/runs/"
    assert client.get("/dashboard/runs/").status_code == 200


def test_a_wrong_password_says_so(client, staff):
    response = client.post(reverse("login"), {"username": "operator", "password": "nope"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_logout_is_a_post_form(staff_client):
    page = staff_client.get(reverse("dashboard:home")).content.decode()
    assert f'method="post" action="{reverse("logout")}"' in page
    assert staff_client.get(reverse("logout")).status_code == 405
    response = staff_client.post(reverse("logout"))
    assert response.status_code == 302
    assert staff_client.get(reverse("dashboard:home")).status_code == 302


def test_the_admin_wants_staff_too(user_client):
    response = user_client.get("/admin/graph/node/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_dashboard_actions_are_not_gets(staff_client):
    # The dashboard only reads: writes happen in the admin, by POST with CSRF.
    assert staff_client.post(reverse("dashboard:home")).status_code == 405
