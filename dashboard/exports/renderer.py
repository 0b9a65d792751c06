"""The image renderer: one kaleido browser (Debian chromium) per process, shared by every export.

The browser is started on first use (or ahead of it, in the background, by `warm_up`) and
closed when it has been idle for `WSIS_RENDER_IDLE` seconds (default 300) and at exit, so that
repeated exports take a fraction of a second while a server does not keep a browser resident
after its sessions end. A render taking longer than `WSIS_RENDER_TIMEOUT` seconds (default 20)
fails with a plain message and the browser is restarted by the next export. Without chromium,
rendering raises `ExportUnavailable` saying how to install it (`image_problem` tells pages and
the deck command beforehand). Maps read their shapes from the bundled folder, never the network.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from indicators.errors import WsisDataError

CHROMIUM_ENV = "WSIS_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = "Install it with `sudo apt-get install chromium` (or run `make setup`)"
TIMEOUT_ENV = "WSIS_RENDER_TIMEOUT"
IDLE_ENV = "WSIS_RENDER_IDLE"
RENDER_TIMEOUT = 20.0  # seconds for one image (the first one includes the browser start)
IDLE_SECONDS = 300.0  # an unused browser is closed after this long


def seconds_setting(name: str, default: float) -> float:
    """A positive number of seconds from the environment variable `name` (else `default`)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        return default
    return value if value > 0 and value != float("inf") else default


class ExportError(WsisDataError):
    """An export could not be produced (the message says why and what to do)."""


class ExportUnavailable(ExportError):
    """Image export needs the chromium browser, which is missing or does not start."""


def chromium_path() -> Path:
    """The chromium executable: $WSIS_CHROMIUM, else `chromium` on PATH, else /usr/bin/chromium."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return Path(configured)
    return Path(shutil.which("chromium") or DEFAULT_CHROMIUM)


def check_browser(path: Path) -> None:
    """Raise ExportUnavailable, saying how to install chromium, when `path` is not a browser."""
    if path.is_file() and os.access(path, os.X_OK):
        return
    origin = f" (set by {CHROMIUM_ENV})" if os.environ.get(CHROMIUM_ENV) else ""
    raise ExportUnavailable(
        f"Image export (PNG, SVG, PDF) needs the Chromium browser, which was not found at "
        f"{path}{origin}. {INSTALL_HINT}, then restart. CSV and HTML downloads, and the "
        "PowerPoint deck with native tables instead of pictures, work without it."
    )


def image_problem() -> str:
    """Why image export cannot work here ('' when the chromium executable exists)."""
    try:
        check_browser(chromium_path())
    except ExportUnavailable as exc:
        return str(exc)
    return ""


def image_export_available() -> bool:
    """True when the chromium executable exists (the browser itself starts on first export)."""
    return not image_problem()


TOPOJSON = Path(__file__).resolve().parents[2] / "static" / "topojson"  # bundled map shapes


def topojson_url() -> str:
    """The bundled map shapes as a file URL (maps never fetch shapes from the internet)."""
    return TOPOJSON.as_uri() + "/"


@dataclass
class ImageRenderer:
    """Kaleido's persistent browser (its public sync server), started on first use.

    Kaleido keeps one browser per process behind `kaleido.start_sync_server`; this class starts
    it for the configured chromium, serialises renders (the server answers one call at a time),
    bounds each render by `timeout` and restarts the browser after a failure.
    """

    browser: Path
    timeout: float = RENDER_TIMEOUT
    idle: float = IDLE_SECONDS

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._running = False
        self._uses = 0  # renders and starts so far: an idle timer acts only if none followed
        self._timer: threading.Timer | None = None
        self._exit_hook = False

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Start the browser unless it runs already (thread-safe; Streamlit sessions share it)."""
        with self._lock:
            self._start_locked()
            self._touch_locked()

    def warm_up(self) -> threading.Thread:
        """Start the browser in a background thread (a later render waits for it); failures are
        left for that render to report."""

        def start_quietly() -> None:
            with contextlib.suppress(Exception):
                self.start()

        thread = threading.Thread(target=start_quietly, name="wsis-render-start", daemon=True)
        thread.start()
        return thread

    def _touch_locked(self) -> None:
        """Note a use and (re)arm the idle timer that closes the browser."""
        self._uses += 1
        if self._timer is not None:
            self._timer.cancel()
        uses = self._uses
        self._timer = threading.Timer(self.idle, self._close_if_idle, args=(uses,))
        self._timer.daemon = True
        self._timer.start()

    def _close_if_idle(self, uses: int) -> None:
        with self._lock:
            if self._uses == uses:  # nothing happened since the timer was armed
                self._stop_locked(wait=True)

    def _start_locked(self) -> None:
        if self._running:
            return
        check_browser(self.browser)
        import kaleido  # imported here: importing kaleido costs ~0.3 s

        kaleido.start_sync_server(
            path=str(self.browser), n=1, timeout=self.timeout, mathjax=False, silence_warnings=True
        )
        self._running = True
        if not self._exit_hook:  # after kaleido's own exit hook, so ours runs first (LIFO) and
            atexit.register(self.close)  # the closing pipe's half-read messages stay quiet
            self._exit_hook = True

    def render(self, fig: go.Figure, *, fmt: str, scale: float = 1) -> bytes:
        """Render a figure (its layout width and height) to png, svg or pdf bytes."""
        opts = {"format": fmt, "width": fig.layout.width, "height": fig.layout.height}
        opts["scale"] = scale
        with self._lock:
            self._start_locked()
            import kaleido

            result: dict[str, Any] = {}

            def call() -> None:
                try:
                    result["data"] = kaleido.calc_fig_sync(fig, opts=opts, topojson=topojson_url())
                except BaseException as exc:  # reported to the caller below
                    result["error"] = exc

            worker = threading.Thread(target=call, name="wsis-render", daemon=True)
            worker.start()
            worker.join(self.timeout + 2)
            problem = result.get("error")
            if worker.is_alive():
                problem = TimeoutError(f"no image after {self.timeout + 2:.0f} s")
            if problem is not None or "data" not in result:
                self._stop_locked(wait=not worker.is_alive())
                reason = " ".join(str(problem).split())[:200] or type(problem).__name__
                raise ExportError(
                    f"The {fmt.upper()} image could not be rendered ({reason}). Try again; if "
                    "it keeps failing, download the CSV instead."
                ) from problem
            self._touch_locked()
            return bytes(result["data"])

    def close(self) -> None:
        """Stop the browser (idempotent)."""
        with self._lock:
            self._stop_locked(wait=True)

    def _stop_locked(self, *, wait: bool) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._running:
            return
        self._running = False
        import kaleido

        # the browser may already be gone (crashed, or the process is stopping): ignore that,
        # and keep choreographer from logging half-read messages of the closing pipe
        quiet = logging.getLogger("choreographer")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        try:
            if wait:
                with contextlib.suppress(Exception):
                    kaleido.stop_sync_server(silence_warnings=True)
            else:  # a stuck render: stop the server without waiting for it
                threading.Thread(
                    target=kaleido.stop_sync_server,
                    kwargs={"silence_warnings": True},
                    daemon=True,
                ).start()
        finally:
            quiet.setLevel(level)


_RENDERERS: dict[Path, ImageRenderer] = {}  # one browser per executable, for the whole process
_RENDERERS_LOCK = threading.Lock()


def renderer() -> ImageRenderer:
    """The process-wide renderer for the configured chromium (created, not started, here)."""
    path = chromium_path()
    with _RENDERERS_LOCK:
        if path not in _RENDERERS:
            _RENDERERS[path] = ImageRenderer(
                path,
                timeout=seconds_setting(TIMEOUT_ENV, RENDER_TIMEOUT),
                idle=seconds_setting(IDLE_ENV, IDLE_SECONDS),
            )
        return _RENDERERS[path]


def shutdown() -> None:
    """Stop every browser this process started (registered to run at exit)."""
    with _RENDERERS_LOCK:
        renderers = list(_RENDERERS.values())
        _RENDERERS.clear()
    for r in renderers:
        r.close()


atexit.register(shutdown)
