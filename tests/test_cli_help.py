"""The command line as an operator meets it (issue 21): every ``--help`` whole and in one language
(English, as the commands' descriptions are), a way to reset a forgotten password, and ``demo --host/--port``."""
from __future__ import annotations

import re
from datetime import timedelta

import click
import pytest
from sqlalchemy import select

from survey_app.cli import COMMANDS
from survey_app.models import User

HANGUL = re.compile("[\uac00-\ud7a3]")


def _every_command(commands=COMMANDS, path=()):
    for command in commands:
        yield (*path, command.name), command
        if isinstance(command, click.Group):
            yield from _every_command(command.commands.values(), (*path, command.name))


EVERY_COMMAND = list(_every_command())


def _described(help_text: str) -> str:
    """The help without its usage line (where "[ARGS]..." is click's notation, not a cut)."""
    return "\n".join(line for line in help_text.splitlines() if not line.startswith("Usage:"))


def test_the_cli_has_the_commands_the_readme_names():
    names = {" ".join(path) for path, _ in EVERY_COMMAND}
    assert {"demo", "reset-password", "create-user", "surveys", "waves"} <= names
    demo = dict(EVERY_COMMAND)[("demo",)]
    assert {"host", "port", "no_serve"} <= {p.name for p in demo.params}


@pytest.mark.parametrize("path", [path for path, _ in EVERY_COMMAND], ids=" ".join)
def test_help_is_whole_and_in_one_language(runner, path):
    """``--help`` of each command: no Korean mixed into the English descriptions, and no summary cut
    off with "..." in a group's list of commands (even at 80 columns)."""
    answer = runner.invoke(args=[*path, "--help"], terminal_width=80)
    assert answer.exit_code == 0, answer.output
    assert not HANGUL.search(answer.output), answer.output
    assert "..." not in _described(answer.output), answer.output


def test_the_top_level_list_shows_whole_summaries(runner):
    listing = runner.invoke(args=["--help"], terminal_width=80).output
    assert "..." not in _described(listing)
    assert "Set a new password for USERNAME" in " ".join(listing.split())


def test_reset_password_sets_a_new_one_lifts_a_lockout_and_ends_sessions(app, runner, app_ctx, make_user, client):
    from survey_app.models import utcnow

    user_id, _ = make_user("lost-admin", "Woojung2026pass", is_admin=True)
    elsewhere = app.test_client()  # a session left open on another computer
    assert elsewhere.post("/manage/login", data={"username": "lost-admin", "password": "Woojung2026pass"}).status_code == 302
    with app_ctx() as session:
        user = session.get(User, user_id)
        user.failed_logins, user.locked_until = 5, utcnow() + timedelta(hours=1)
    answer = runner.invoke(args=["reset-password", "lost-admin"])
    assert answer.exit_code == 0, answer.output
    password = re.search(r"shown once\): (\S+)", answer.output).group(1)
    with app_ctx() as session:
        user = session.scalar(select(User).where(User.username == "lost-admin"))
        assert user.locked_until is None and user.failed_logins == 0
    assert elsewhere.get("/manage/").status_code == 302  # signed out there
    signed_in = client.post("/manage/login", data={"username": "lost-admin", "password": password})
    assert signed_in.status_code == 302


def test_reset_password_refuses_unknown_users_and_weak_passwords(runner, make_user):
    assert "no such user" in runner.invoke(args=["reset-password", "nobody"]).output
    make_user("weak", "Woojung2026pass")
    refused = runner.invoke(args=["reset-password", "weak", "--password", "short"])
    assert refused.exit_code != 0 and "Traceback" not in refused.output


def test_the_readme_names_only_commands_that_exist_and_says_how_the_demo_runs():
    """The README's commands table and first steps: each `survey-app …` named exists (with its options),
    the demo is said to run in the foreground, and a lost admin password has a way back."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    commands = dict((" ".join(path), command) for path, command in EVERY_COMMAND)
    named = set(re.findall(r"`survey-app ([a-z-]+(?: [a-z-]+)?)", readme))
    for name in named:
        assert name in commands or name.split()[0] in commands, name
    assert "foreground" in readme and "second terminal" in readme
    assert "survey-app reset-password admin" in readme and "--host" in readme and "--port" in readme
