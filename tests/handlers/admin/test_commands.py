"""``/admin`` lines as typed: every form, and what is not one."""

from __future__ import annotations

import pytest

from handlers.access import Gate
from handlers.admin.commands import Action, AdminCommand, BadCommand, Kind, is_admin_command, parse_admin
from handlers.budgets import Period, Scope


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("/admin", AdminCommand(Action.HELP)),
        ("/admin help", AdminCommand(Action.HELP)),
        ("/admin usage user ou_a", AdminCommand(Action.USAGE, scope=Scope.USER, target="ou_a")),
        ("/admin usage chat", AdminCommand(Action.USAGE, scope=Scope.CHAT)),
        ("/ADMIN usage chat feishu:oc_x", AdminCommand(Action.USAGE, scope=Scope.CHAT, target="feishu:oc_x")),
        (
            "/admin budget user ou_a day 5",
            AdminCommand(
                Action.BUDGET, scope=Scope.USER, target="ou_a", period=Period.DAY, millicents=500_000
            ),
        ),
        (
            "/admin budget chat month $20.5",
            AdminCommand(Action.BUDGET, scope=Scope.CHAT, period=Period.MONTH, millicents=2_050_000),
        ),
        (
            "/admin budget user 123 job none",
            AdminCommand(Action.BUDGET, scope=Scope.USER, target="123", period=Period.JOB),
        ),
        (
            "/admin budget user 123 reset",
            AdminCommand(Action.BUDGET, scope=Scope.USER, target="123", reset=True),
        ),
        ("/admin budget chat reset", AdminCommand(Action.BUDGET, scope=Scope.CHAT, reset=True)),
        ("/admin block ou_a", AdminCommand(Action.BLOCK, target="ou_a")),
        ("/admin unblock discord:42", AdminCommand(Action.UNBLOCK, target="discord:42")),
        ("/admin pause", AdminCommand(Action.PAUSE)),
        ("/admin resume oc_x", AdminCommand(Action.RESUME, target="oc_x")),
        ("/admin allow role 42", AdminCommand(Action.ALLOW, kind=Kind.ROLE, target="42")),
        ("/admin disallow chat oc_x", AdminCommand(Action.DISALLOW, kind=Kind.CHAT, target="oc_x")),
        ("/admin access dms allowlist", AdminCommand(Action.ACCESS, gate=Gate.ALLOWLIST, private=True)),
        (
            "/admin access feishu:groups off",
            AdminCommand(Action.ACCESS, gate=Gate.OFF, private=False, target="feishu"),
        ),
        ("/admin log", AdminCommand(Action.LOG)),
    ],
)
def test_each_form(line: str, command: AdminCommand) -> None:
    assert is_admin_command(line)
    assert parse_admin(line) == command


@pytest.mark.parametrize(
    "line",
    [
        "/admin fly",
        "/admin budget user",
        "/admin budget user ou_a week 5",
        "/admin budget user ou_a day lots",
        "/admin budget user ou_a day -1",
        "/admin budget chat job 5",  # a chat has no per-job limit
        "/admin block",
        "/admin block a b",
        "/admin allow wizard x",
        "/admin access everyone open",
        "/admin access dms maybe",
        "/admin log now",
        "/admin block <at user_id=all>",
    ],
)
def test_what_is_not_a_command(line: str) -> None:
    with pytest.raises(BadCommand):
        parse_admin(line)


def test_only_a_leading_slash_admin_counts() -> None:
    assert not is_admin_command("make an /admin video")
    assert not is_admin_command("/administrator")
