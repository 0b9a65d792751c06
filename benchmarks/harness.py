"""A local app server and Debian's chromium, shared by the browser tests and the benchmarks.

`start_app` runs `streamlit run <script>` on a free local port (bundled snapshot: WSIS_STORE and
WSIS_ALLOW_REFRESH are removed from its environment) and returns once /_stcore/health answers;
`stop_app` stops its whole process group. Chromium is Debian's, driven by Playwright with the
flags this machine needs (no background networking: the network is closed).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1400, "height": 1000}  # the viewport of desktop browser tests and timings
HEALTH_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The dashboard's own server settings (.streamlit/config.toml), for a bare app measured against
# it: no file watcher (it walks every loaded module's path for each new session) and no full
# garbage collection after each run.
SERVER_FLAGS = (
    "--server.fileWatcherType",
    "none",
    "--server.runOnSave",
    "false",
    "--runner.postScriptGC",
    "false",
)


def start_app(
    script: Path = ROOT / "streamlit_app.py",
    *,
    cwd: Path = ROOT,
    log_path: Path | None = None,
    extra: tuple[str, ...] = (),
) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run script` on a free port; return the process and its URL once healthy.

    The server's output goes to `log_path` (quoted in the error if it does not start).
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("WSIS_STORE", "WSIS_ALLOW_REFRESH")}
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    cmd += ["--browser.gatherUsageStats", "false", *extra]
    out = log_path.open("wb") if log_path is not None else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    finally:
        if log_path is not None:
            out.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    stop_app(proc)
    log = log_path.read_text(errors="replace")[-3000:] if log_path is not None else ""
    raise RuntimeError(f"streamlit did not become healthy ({script}):\n{log}")


def stop_app(proc: subprocess.Popen) -> None:
    """Stop the server's own process group (the server and anything it started)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
