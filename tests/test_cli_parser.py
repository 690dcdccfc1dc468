"""A command's process builds the parser of its own command only: the same parser, the same
help and errors, as the whole command line's."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from rebound_tui.cli import _run, build_parser, command_named


def shape(parser: argparse.ArgumentParser) -> list[Any]:
    """Everything a parser parses and says, its sub-commands' included."""
    out: list[Any] = [parser.prog, parser.format_help()]
    for action in parser._actions:
        out.append((type(action).__name__, action.option_strings, action.dest, action.nargs))
        out.append((action.default, action.required, action.help, action.metavar))
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.append((name, shape(sub)))
        elif action.choices is not None:
            out.append(list(action.choices))
    return out


def commands() -> dict[str, argparse.ArgumentParser]:
    whole = build_parser()
    sub = next(a for a in whole._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("name", sorted(commands()))
def test_one_commands_parser_is_the_whole_ones(name: str) -> None:
    alone = build_parser(only=name)
    sub = next(a for a in alone._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == [name]
    assert shape(sub.choices[name]) == shape(commands()[name])


def test_an_unknown_command_gets_the_whole_list() -> None:
    parser = build_parser(only="dne")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set(commands())
    with pytest.raises(Exception, match="invalid choice: 'dne'.*'done'"):
        parser.parse_args(["dne"])


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["done", "abc"], "done"),
        (["--db", "x.json", "done", "abc"], "done"),
        (["--db=x.json", "--demo", "snooze"], "snooze"),
        (["--backups", "b", "--db", "done", "list"], "list"),  # a file named "done"
        (["--help"], None),
        (["-h", "done"], None),
        (["--version"], None),
        (["--db", "x.json"], None),
        (["--bogus", "done"], None),
        ([], None),
    ],
)
def test_the_command_is_read_ahead_of_the_parser(argv: list[str], name: str | None) -> None:
    assert command_named(argv) == name


def test_a_commands_errors_read_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["done"]) == (2, False)
    assert _run(["snooze", "x", "--until"]) == (2, False)
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "rebound-tui: the following arguments are required: ID (see 'rebound-tui done --help')",
        "rebound-tui: argument --until: expected one argument (see 'rebound-tui snooze --help')",
    ]
