"""Helpers of the adversarial tests (tests/test_adversarial_*.py): a fixture store, its exact
state, the command line and the app run against it, and the three promises checked each time.

Every adversarial case asserts the same three things:
1. the user sees a clear message: short, one or two lines, saying what is wrong (and, for the
   store, what to do), never quoting file content;
2. no traceback: the command exits with code 2 and prints none, the app raises nothing;
3. the store is byte-identical: every name, kind, mode, content and link target below it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from test_snapshot import write

from indicators.__main__ import main
from indicators.errors import MESSAGE_LIMIT

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
SECRET = "adversarial-secret-7f3a"  # planted in files outside the store; must never be shown
ADVICE = ("rebuild", "restore", "roll back", "indicators use", "indicators list", "WSIS_STORE")
NOBODY = 65534


# --- the store and its exact state -----------------------------------------------------------


def fixture_store(root: Path, *, snapshots: int = 1) -> list[str]:
    """A store holding `snapshots` fixture snapshots (the last one current); their ids."""
    return [write(root, shift=float(i)).name for i in range(snapshots)]


def state(root: Path) -> dict[str, Any]:
    """Everything below `root` that a change could touch: per entry its kind, mode and content
    (sha256) or link target. Nothing is followed or opened except regular files."""
    out: dict[str, Any] = {}
    if not os.path.lexists(root):
        return {".": "absent"}
    stack = [root]
    while stack:
        here = stack.pop()
        info = os.lstat(here)
        rel = str(here.relative_to(root)) if here != root else "."
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISLNK(info.st_mode):
            out[rel] = ("link", os.readlink(here))
        elif stat.S_ISDIR(info.st_mode):
            out[rel] = ("dir", mode)
            with contextlib.suppress(PermissionError):
                stack.extend(sorted(here.iterdir()))
        elif stat.S_ISREG(info.st_mode):
            digest = hashlib.sha256(here.read_bytes()).hexdigest() if mode & 0o444 else "?"
            out[rel] = ("file", mode, digest)
        else:
            out[rel] = ("special", stat.S_IFMT(info.st_mode), mode)
    return out


@contextlib.contextmanager
def unchanged(*roots: Path) -> Iterator[None]:
    """Fail if anything below the roots changed (the store is byte-identical afterwards)."""
    before = [state(r) for r in roots]
    yield
    after = [state(r) for r in roots]
    for root, old, new in zip(roots, before, after, strict=True):
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        assert not changed, f"the store {root} changed: {changed[:8]}"


@contextlib.contextmanager
def no_hang(seconds: int = 60) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block does not return within `seconds`."""

    def alarm(*_: object) -> None:
        raise TimeoutError(f"blocked for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    outer = signal.alarm(seconds)  # an enclosing no_hang's time left, restored after
    started = time.monotonic()
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.alarm(max(1, outer - int(time.monotonic() - started)))


def outside_dir() -> Path:
    """A fresh folder outside any store, holding a file with the secret (cleaned by the caller)."""
    folder = Path(tempfile.mkdtemp(prefix="wsis-outside-"))
    (folder / "secret.txt").write_text(f"{SECRET}\nroot:x:0:0:{SECRET}\n", encoding="utf-8")
    return folder


# --- the command line ------------------------------------------------------------------------


@dataclass
class CliRun:
    code: int
    out: str
    err: str


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> CliRun:
    """`python -m indicators <argv>` in this process (argument errors exit through SystemExit)."""
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return CliRun(code=code, out=captured.out, err=captured.err)


def assert_clear_cli(run: CliRun, *words: str, lines: int = 2) -> str:
    """Exit code 2, no traceback, a short message (`lines` lines at most) holding `words`."""
    text = run.err.strip()
    assert run.code == 2, (run.code, run.out, run.err)
    assert "Traceback" not in run.err + run.out and SECRET not in run.err + run.out
    message = text.splitlines()
    assert message and len(message) <= lines, text
    assert any("error:" in line for line in message[:2]), text
    assert all(len(line) <= MESSAGE_LIMIT + 120 for line in message), text
    for word in words:
        assert word.lower() in text.lower(), (word, text)
    return text


# --- the app ---------------------------------------------------------------------------------


def visible(markdown: str) -> str:
    """Text as the reader sees it: markdown escapes and word joiners resolved."""
    return " ".join(re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "").split())


@dataclass
class AppRun:
    errors: list[str]
    infos: list[str]
    sidebar: str
    exception: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return " ".join([*self.errors, *self.infos, self.sidebar])


def run_app(root: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None) -> AppRun:
    """The whole app (shell, sidebar, page) on the store at `root`, as a visitor opens it."""
    monkeypatch.setenv("WSIS_STORE", str(root))
    monkeypatch.delenv("WSIS_ALLOW_REFRESH", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    if page:
        at.query_params["page"] = page
    with no_hang(90):
        at.run()
    return app_result(at)


def app_result(at: AppTest) -> AppRun:
    sidebar = " ".join(
        [visible(m.value) for m in at.sidebar.markdown]
        + [visible(c.value) for c in at.sidebar.caption]
    )
    return AppRun(
        errors=[visible(str(e.value)) for e in at.error],
        infos=[visible(str(e.value)) for e in at.info],
        sidebar=sidebar,
        exception=[str(e.value) for e in at.exception],
    )


def assert_clear_app(run: AppRun, *words: str) -> None:
    """No exception, one short error holding `words`, the advice, no secret, the sidebar up."""
    assert not run.exception, run.exception
    assert run.errors, "no error shown"
    assert all(len(e) <= MESSAGE_LIMIT + 40 for e in run.errors), run.errors
    assert SECRET not in run.shown
    assert "Something went wrong" not in run.shown, run.errors
    assert any(w.lower() in run.shown.lower() for w in ADVICE), run.shown
    for word in words:
        assert any(word.lower() in e.lower() for e in run.errors), (word, run.errors)
    assert "No data snapshot loaded" in run.sidebar, run.sidebar


# --- another user (permissions) --------------------------------------------------------------


def can_drop_privileges() -> bool:
    """Root with setpriv: the permission cases run their command as uid/gid 65534 (nobody)."""
    return os.geteuid() == 0 and shutil.which("setpriv") is not None


def shared_tmp() -> Path:
    """A folder another user can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="wsis-adv-"))
    folder.chmod(0o755)
    return folder


CHILD_APP = r"""
import json, sys
from streamlit.testing.v1 import AppTest
sys.path.insert(0, sys.argv[2])
from adversarial import app_result
at = AppTest.from_file(sys.argv[1], default_timeout=60)
at.run()
print(json.dumps(app_result(at).__dict__))
"""


CHILD_CLI = r"""
import contextlib, io, json, sys
from indicators.__main__ import main
out = {}
for command in sys.argv[1:]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main([command])
        except SystemExit as exc:
            code = exc.code
    out[command] = [code, err.getvalue()]
print(json.dumps(out))
"""


def cli_as_other_user(commands: list[str], *, home: Path, store: Path) -> dict[str, CliRun]:
    """`python -m indicators <command>` for each command, run as nobody in one process."""
    done = as_other_user(["-c", CHILD_CLI, *commands], home=home, store=store)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {c: CliRun(code=code, out="", err=err) for c, (code, err) in result.items()}


def as_other_user(args: list[str], *, home: Path, store: Path) -> subprocess.CompletedProcess[str]:
    """Run `python <args>` as nobody (when root) with WSIS_STORE=store, from the project."""
    prefix = (
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        if os.geteuid() == 0
        else []
    )
    paths = [str(ROOT), str(ROOT / "tests")]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PYTHONPATH": os.pathsep.join(paths),
        "WSIS_STORE": str(store),
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLCONFIGDIR": str(home),
    }
    return subprocess.run(
        [*prefix, sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def emulate_denied(monkeypatch: pytest.MonkeyPatch, target: Path, mode: str) -> None:
    """Make the store module meet a permission problem at `target` as another user would, when
    the tests cannot act as another user: mode "000" on a folder denies everything below it and
    its listing, on a file its opening; "311" on a folder denies only its listing."""
    from types import SimpleNamespace

    from indicators.store import snapshot

    target = Path(os.path.realpath(target))
    folder = target.is_dir()

    def refuse(path: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    def below(path: object) -> bool:
        real = Path(os.path.realpath(os.fspath(path)))  # type: ignore[arg-type]
        return folder and mode == "000" and real != target and real.is_relative_to(target)

    def checked(real_call):  # type: ignore[no-untyped-def]
        def call(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if below(path):
                refuse(path)
            return real_call(path, *args, **kwargs)

        return call

    def open_(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        real = Path(os.path.realpath(os.fspath(path)))
        if below(path) or (not folder and real == target):
            refuse(path)
        return os.open(path, *args, **kwargs)

    def scandir(path):  # type: ignore[no-untyped-def]
        if below(path) or (folder and Path(os.path.realpath(path)) == target):
            refuse(path)
        return os.scandir(path)

    fake = SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    fake.open, fake.scandir = open_, scandir
    fake.lstat, fake.stat = checked(os.lstat), checked(os.stat)
    monkeypatch.setattr(snapshot, "os", fake)


def app_as_other_user(*, home: Path, store: Path) -> AppRun:
    done = as_other_user(["-c", CHILD_APP, APP, str(ROOT / "tests")], home=home, store=store)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return AppRun(**result)
