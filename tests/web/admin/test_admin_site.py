"""The admin reads its registrations on first use, so pipeline commands start without them."""

SCRIPT = """
import sys
from django.contrib import admin
from graph.models import Node
before = "web.admin" in sys.modules
print(before, admin.site.is_registered(Node), "web.admin" in sys.modules)
"""


def test_the_admin_is_read_on_first_look_not_at_start_up(manage):
    result = manage("shell", "--no-imports", "-c", SCRIPT)
    assert result.returncode == 0, result.stderr
    # Not imported while the apps loaded (each run's start-up); all there once looked at.
    assert result.stdout.split() == ["False", "True", "True"]


def test_the_admin_checks_still_run_over_every_registration(manage):
    result = manage("check", "--tag", "admin", "--deploy", "--fail-level", "ERROR")
    assert result.returncode == 0, result.stderr


def test_the_admin_pages_are_served(admin_client):
    assert admin_client.get("/admin/graph/node/").status_code == 200
