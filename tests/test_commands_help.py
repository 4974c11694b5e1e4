"""Every command of the project answers --help, as a user would first try."""

import pytest
from django.core.management import get_commands

OURS = sorted(
    name for name, app in get_commands().items() if app in {"graph", "ingest", "carpenter"}
)


def test_the_contract_commands_exist():
    assert {"ingest", "carpenter", "run", "sources"} <= set(OURS)


@pytest.mark.parametrize("command", OURS)
def test_help(manage, command):
    result = manage(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: manage.py " + command)
