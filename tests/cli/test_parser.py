"""The parser: every command's function can be loaded, bad arguments are one line, and `--help`
loads neither SQLAlchemy nor Telegram's stack."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.cli import build_parser, main
from bot.cli.parser import Command


def _commands(parser: argparse.ArgumentParser) -> Iterator[Command]:
    """The `Command` of every leaf of the parser's tree of subcommands."""
    handler = parser.get_default("handler")
    if handler is not None:
        yield handler
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                yield from _commands(subparser)


def test_every_command_names_a_function_that_loads() -> None:
    commands = list(_commands(build_parser()))
    assert len(commands) == 10  # run preview stats export campaigns check reload, officials ×3
    for command in commands:
        assert callable(command.load()), command


def test_officials_needs_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["officials"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "the following arguments are required: {import,status,update}" in err
    assert err.count("\n") == 1  # the parser class of bot.cli: one line, not the usage block


def test_help_stays_light() -> None:
    """Commands are imported when they run, so the parser loads no database or Telegram code."""
    code = (
        "import sys, bot.cli; bot.cli.build_parser().format_help(); "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'zipcodes', 'telegram') "
        "if m in sys.modules))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
