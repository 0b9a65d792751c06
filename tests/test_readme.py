"""The README says what the code does: its page table is the registry, every command and `make`
target it names exists, and every folder of its Architecture table is there."""

from __future__ import annotations

import argparse
import re
from itertools import pairwise
from pathlib import Path

import pytest

from dashboard import __main__ as dashboard_cli
from dashboard.app.registry import PAGES
from indicators import __main__ as indicators_cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of a `## title` section of the README."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, flags=re.M | re.S)
    assert match, f"README has no section '{title}'"
    return match.group(1)


def table_rows(text: str) -> list[list[str]]:
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|")
    ]
    return [r for r in rows[2:]]  # without the header and its rule


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M))


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps its subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_the_page_table_is_the_registry_in_order() -> None:
    titles = [row[0] for row in table_rows(section("The dashboard"))]
    assert titles == [p.title for p in PAGES]


def test_the_two_commands_are_make_targets() -> None:
    two = re.findall(r"^    (make \w+)$", section("The two commands"), flags=re.M)
    assert two == ["make run", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.M), ".ci/run must call the README's test command"


def test_every_make_target_the_readme_names_exists() -> None:
    named = set(re.findall(r"`?make ([a-z][a-z-]*)", README))
    assert named and named <= make_targets(), named - make_targets()


@pytest.mark.parametrize(
    ("module", "cli"),
    [("indicators", indicators_cli), ("dashboard", dashboard_cli)],
)
def test_every_command_the_readme_names_exists(module: str, cli) -> None:
    parser = cli.build_parser()
    commands = subcommands(parser)
    lines = re.findall(rf"python -m {module} ([^\n#]+)", README)
    assert lines
    for line in lines:
        words = line.split()
        # the command, and any alternative written after a bar: `info | list | verify`
        names = [words[0]] + [b for a, b in pairwise(words) if a == "|"]
        for name in names:
            assert name in commands, f"README names `python -m {module} {name}`"
        options = re.findall(r"--[a-z-]+", line)
        known = {o for a in commands[names[0]]._actions for o in a.option_strings}
        assert set(options) <= known, set(options) - known


def test_every_folder_of_the_architecture_table_exists() -> None:
    for row in table_rows(section("Architecture")):
        for path in re.findall(r"`([\w./-]+/)`", " ".join(row)):
            assert (ROOT / path).is_dir(), path
