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


CHECKED = """
from django.contrib.admin.checks import ModelAdminChecks
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

def flag(self, admin_obj, **kwargs):
    return [checks.Error(f"checked {type(admin_obj).__name__}", id="test.E001")]

ModelAdminChecks.check = flag
try:
    call_command("check")
except SystemCheckError as error:
    print(error)
"""


def test_manage_check_goes_over_the_admins_registrations(manage):
    result = manage("shell", "--no-imports", "-c", CHECKED)
    assert result.returncode == 0, result.stderr
    # Each ModelAdmin of web/admin.py is checked, though nothing looked at the admin before.
    assert "checked VenueAdmin" in result.stdout
    assert "checked EdgeAdmin" in result.stdout
