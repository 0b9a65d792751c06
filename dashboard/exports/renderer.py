"""The image renderer: one kaleido browser (Debian chromium) per process, shared by every export.

The browser is started on first use and stopped at exit, so that repeated exports take a
fraction of a second; a crashed or stuck browser is restarted by the next export. Without
chromium, rendering raises `ExportUnavailable` saying how to install it (`image_problem` tells
pages and the deck command beforehand).
"""

from __future__ import annotations

import asyncio
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
RENDER_TIMEOUT = 60.0  # seconds for one image (the first one includes the browser start)


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


TABS = 2  # browser tabs: one renders while the other reloads


def _kaleido_class() -> type:
    """Kaleido, with each tab's reload (a fresh page after every image, ~0.2 s) moved off the
    critical path: the image is returned first and the tab rejoins the queue once reloaded.

    Relies on kaleido 1.x's `_return_kaleido_tab`; if a later version lacks it, kaleido's own
    behaviour (reload before returning) is kept.
    """
    from kaleido import Kaleido  # imported here: importing kaleido costs ~0.3 s

    if not hasattr(Kaleido, "_return_kaleido_tab"):
        return Kaleido

    class BackgroundReloadKaleido(Kaleido):
        async def _return_kaleido_tab(self, tab: Any) -> None:
            reloads = self.__dict__.setdefault("_wsis_reloads", set())
            task = asyncio.create_task(super()._return_kaleido_tab(tab))
            reloads.add(task)
            task.add_done_callback(reloads.discard)

        async def close(self) -> None:
            pending = list(self.__dict__.get("_wsis_reloads", ()))
            await asyncio.gather(*pending, return_exceptions=True)
            await super().close()

    return BackgroundReloadKaleido


async def _open_kaleido(browser: Path, timeout: float) -> Any:
    k = _kaleido_class()(path=str(browser), n=TABS, timeout=timeout, mathjax=False)
    await k.open()
    return k


@dataclass
class ImageRenderer:
    """A kaleido browser on its own event-loop thread, started on first use, closed at exit."""

    browser: Path
    timeout: float = RENDER_TIMEOUT

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def start(self) -> None:
        """Start the browser unless it runs already (thread-safe; Streamlit sessions share it)."""
        with self._lock:
            if self._kaleido is not None:
                return
            check_browser(self.browser)
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="wsis-kaleido", daemon=True)
            thread.start()
            future = asyncio.run_coroutine_threadsafe(
                _open_kaleido(self.browser, self.timeout), loop
            )
            try:
                self._kaleido = future.result(self.timeout)
            except Exception as exc:
                loop.call_soon_threadsafe(loop.stop)
                thread.join(5)
                raise ExportUnavailable(
                    f"The Chromium browser at {self.browser} did not start "
                    f"({type(exc).__name__}: {exc}). {INSTALL_HINT}; CSV and HTML downloads "
                    "work without it."
                ) from exc
            self._loop, self._thread = loop, thread

    def render(self, fig: go.Figure, *, fmt: str, scale: float = 1) -> bytes:
        """Render a figure (its layout width and height) to png, svg or pdf bytes."""
        self.start()
        opts = {"format": fmt, "width": fig.layout.width, "height": fig.layout.height}
        opts["scale"] = scale
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(
            self._kaleido.calc_fig(fig, opts=opts), self._loop
        )
        try:
            return bytes(future.result(self.timeout + 5))
        except Exception as exc:
            self.close()  # a crashed or stuck browser is restarted by the next export
            raise ExportError(
                f"The {fmt.upper()} image could not be rendered ({type(exc).__name__}: {exc}). "
                "Try again; if it keeps failing, download the CSV instead."
            ) from exc

    def close(self) -> None:
        """Stop the browser and its thread (idempotent)."""
        with self._lock:
            loop, kaleido, thread = self._loop, self._kaleido, self._thread
            self._loop = self._kaleido = self._thread = None
        if loop is None:
            return
        # the browser may already be gone (crashed, or the process is stopping): ignore that,
        # and keep choreographer from logging half-read messages of the closing pipe
        quiet = logging.getLogger("choreographer")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(kaleido.close(), loop).result(15)
        quiet.setLevel(level)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)


_RENDERERS: dict[Path, ImageRenderer] = {}  # one browser per executable, for the whole process
_RENDERERS_LOCK = threading.Lock()


def renderer() -> ImageRenderer:
    """The process-wide renderer for the configured chromium (created, not started, here)."""
    path = chromium_path()
    with _RENDERERS_LOCK:
        if path not in _RENDERERS:
            _RENDERERS[path] = ImageRenderer(path)
        return _RENDERERS[path]


def shutdown() -> None:
    """Stop every browser this process started (registered to run at exit)."""
    with _RENDERERS_LOCK:
        renderers = list(_RENDERERS.values())
        _RENDERERS.clear()
    for r in renderers:
        r.close()


atexit.register(shutdown)
