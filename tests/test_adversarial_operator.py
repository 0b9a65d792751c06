"""Adversarial family: operator mistakes.

What a person at the command line gets wrong: a snapshot id completed by the shell with a
trailing slash or typed with `./`, a path, a temporary folder, an incomplete or damaged
snapshot, an empty or enormous argument; refresh settings of zero, infinity, NaN, negative
retries; a missing raw folder; a refresh deadline the deployment set wrong. Forms that clearly
mean a kept snapshot are normalised; everything else is refused with one line, exit code 2, no
traceback, and the store byte-identical (CURRENT unchanged).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from adversarial import assert_clear_cli, fixture_store, run_cli, unchanged, visible
from streamlit.testing.v1 import AppTest

from dashboard.app.cache import REFRESH_ENV
from indicators.store import refresh
from indicators.store.snapshot import DESCRIPTOR, current_id, load_snapshot


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, str, str]:
    """(root, the current id A, a kept id B) plus a temporary copy, an incomplete and a damaged
    snapshot folder named like ids, as a store that has lived a while holds them."""
    root = tmp_path / "store"
    kept, current = fixture_store(root, snapshots=2)
    snaps = root / "snapshots"
    shutil.copytree(snaps / kept, snaps / ".tmp-leftover")
    (snaps / ("wsis20-" + "1" * 12)).mkdir()  # incomplete: no descriptor
    damaged = snaps / ("wsis20-" + "2" * 12)
    shutil.copytree(snaps / kept, damaged)
    doc = json.loads((damaged / DESCRIPTOR).read_text(encoding="utf-8"))
    doc["snapshot_id"] = damaged.name
    (damaged / DESCRIPTOR).write_text(json.dumps(doc), encoding="utf-8")
    (damaged / "entities.parquet").write_bytes(b"damaged")
    return root, current, kept


NORMALISED = {
    "trailing slash (shell completion)": "{id}/",
    "two trailing slashes": "{id}//",
    "leading ./": "./{id}",
    "leading ./ and trailing slash": "./{id}/",
    "repeated ./": "././{id}",
    "surrounding spaces": "  {id} ",
}


@pytest.mark.parametrize("case", list(NORMALISED))
def test_use_normalises_a_form_of_a_kept_id(
    case: str, store: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, current, kept = store
    run = run_cli(["use", NORMALISED[case].format(id=kept), "--store", str(root)], capsys)
    assert run.code == 0, run.err
    assert run.out.strip() == f"current snapshot is now {kept}"
    assert (root / "CURRENT").read_bytes() == f"{kept}\n".encode()
    assert load_snapshot(store=root).id == kept != current


REFUSED_IDS: dict[str, tuple[str, str]] = {
    # case -> (the argument, a word of the message)
    "empty": ("", "empty snapshot id"),
    "spaces only": ("   ", "empty snapshot id"),
    "a slash": ("/", "empty snapshot id"),
    "a dot": (".", "not a snapshot id"),
    "two dots": ("..", "not a snapshot id"),
    "./ alone": ("./", "empty snapshot id"),
    "../snapshots/<id>": ("../snapshots/{kept}", "is a path"),
    "snapshots/<id>": ("snapshots/{kept}", "is a path"),
    "absolute path of the snapshot": ("{root}/snapshots/{kept}", "is a path"),
    "a temporary folder": (".tmp-leftover", "not a snapshot id"),
    "a temporary CURRENT": (".CURRENT.123.tmp", "not a snapshot id"),
    "CURRENT": ("CURRENT", "not a snapshot id"),
    "id with a suffix": ("{kept}x", "not a snapshot id"),
    "id cut short": ("{kept_short}", "not a snapshot id"),
    "id in capitals": ("{kept_upper}", "not a snapshot id"),
    "a glob": ("wsis20-*", "not a snapshot id"),
    "a NUL byte": ("{kept}\x00", "not a snapshot id"),
    "a newline inside": ("wsis20-\n{kept}", "not a snapshot id"),
    "10,000 characters": ("w" * 10_000, "not a snapshot id"),
    "well-formed, not in the store": ("wsis20-000000000000", "does not exist"),
    "an incomplete snapshot": ("wsis20-111111111111", "descriptor.json is missing"),
    "a damaged snapshot": ("wsis20-222222222222", "checksum"),
}


def _arg(template: str, root: Path, kept: str) -> str:
    return template.format(root=root, kept=kept, kept_short=kept[:-1], kept_upper=kept.upper())


@pytest.mark.parametrize("case", list(REFUSED_IDS))
@pytest.mark.parametrize("command", ["use", "verify --id"])
def test_anything_but_a_complete_kept_snapshot_is_refused(
    case: str, command: str, store: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, current, kept = store
    template, words = REFUSED_IDS[case]
    given = _arg(template, root, kept)
    argv = ["use", given] if command == "use" else ["verify", "--id", given]
    with unchanged(root):
        text = assert_clear_cli(run_cli([*argv, "--store", str(root)], capsys), words, lines=2)
    assert len(text) < 600
    assert current_id(root) == current


ARGUMENTS: dict[str, tuple[list[str], str]] = {
    "--timeout 0": (["refresh", "--timeout", "0"], "--timeout"),
    "--timeout -5": (["refresh", "--timeout", "-5"], "--timeout"),
    "--timeout inf": (["refresh", "--timeout", "inf"], "--timeout"),
    "--timeout nan": (["refresh", "--timeout", "nan"], "--timeout"),
    "--timeout 1e999": (["refresh", "--timeout", "1e999"], "--timeout"),
    "--timeout 601": (["refresh", "--timeout", "601"], "--timeout"),
    "--timeout abc": (["refresh", "--timeout", "abc"], "--timeout"),
    "--timeout without a value": (["refresh", "--timeout"], "--timeout"),
    "--retries -1": (["refresh", "--retries", "-1"], "--retries"),
    "--retries 1.5": (["refresh", "--retries", "1.5"], "--retries"),
    "--retries 11": (["refresh", "--retries", "11"], "--retries"),
    "--retries 99999999999999999999": (["refresh", "--retries", "9" * 20], "--retries"),
    "--deadline 0": (["refresh", "--deadline", "0"], "--deadline"),
    "--deadline inf": (["refresh", "--deadline", "inf"], "--deadline"),
    "--deadline nan": (["refresh", "--deadline", "nan"], "--deadline"),
    "--deadline 3601": (["refresh", "--deadline", "3601"], "--deadline"),
    "an unknown option": (["verify", "--force"], "unrecognized arguments"),
    "an unknown command": (["frobnicate"], "invalid choice"),
    "no command": ([], "required"),
    "use without an id": (["use"], "required"),
    "build without --raw": (["build"], "--raw"),
}


@pytest.mark.parametrize("case", list(ARGUMENTS))
def test_a_bad_argument_is_one_line(
    case: str, store: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, current, _ = store
    argv, words = ARGUMENTS[case]
    store_args = ["--store", str(root)] if argv and argv[-1] not in ("--timeout",) else []
    with unchanged(root):
        text = assert_clear_cli(run_cli([*argv, *store_args], capsys), words, lines=1)
    assert "usage:" not in text and len(text) < 300
    assert current_id(root) == current


@pytest.mark.parametrize(
    "raw", ["a missing folder", "a file", "an empty folder"], ids=lambda r: r.replace(" ", "-")
)
def test_build_from_a_wrong_raw_folder_changes_nothing(
    raw: str, store: tuple[Path, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, current, _ = store
    where = tmp_path / "raw"
    if raw == "a file":
        where.write_text("x", encoding="utf-8")
    elif raw == "an empty folder":
        where.mkdir()
    with unchanged(root):
        run = run_cli(["build", "--raw", str(where), "--store", str(root)], capsys)
        text = assert_clear_cli(run, lines=3)
    assert "raw" in text.lower() or "no such file" in text.lower()
    assert current_id(root) == current


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "soon", "99999"])
def test_a_wrong_refresh_deadline_setting_turns_the_refresh_off(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WSIS_REFRESH_DEADLINE set wrong by the deployment: the sidebar says so in one line and
    offers no refresh button (a refresh is never started with a wrong deadline)."""

    def refuse(**_: object) -> None:
        raise AssertionError("a refresh was started")

    monkeypatch.setattr(refresh, "refresh_snapshot", refuse)
    monkeypatch.setenv(REFRESH_ENV, "1")
    monkeypatch.setenv(refresh.DEADLINE_ENV, value)
    at = AppTest.from_function(_sidebar, default_timeout=60)
    at.run()
    assert not at.exception
    warnings = [visible(w.value) for w in at.sidebar.warning]
    assert any(refresh.DEADLINE_ENV in w and "off" in w for w in warnings), warnings
    assert not at.sidebar.button


def test_the_refresh_deadline_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REFRESH_ENV, "1")
    monkeypatch.setenv(refresh.DEADLINE_ENV, "45")
    at = AppTest.from_function(_sidebar, default_timeout=60)
    at.run()
    assert any("stops after 45 s" in c.value for c in at.sidebar.caption)


def _sidebar() -> None:
    from dashboard.app.sidebar import render_sidebar

    render_sidebar()
