"""N Streamlit replicas behind nginx: `make serve`, the containers, the load test and the tests.

    python -m deploy.serve cluster [--replicas N] [--port 8501] [--bind 0.0.0.0] [--run-dir DIR]
    python -m deploy.serve replica [--address 0.0.0.0] [--port 8501]   # one replica (container)
    python -m deploy.serve proxy --upstream app:8501 [--listen 8080]    # nginx (container)
    python -m deploy.serve health [--host 127.0.0.1] [--port 8501]      # exit 0 when healthy

`cluster` starts N `streamlit run streamlit_app.py` processes, each headless on its own
127.0.0.1 port, waits until each answers Streamlit's health check (/_stcore/health), renders
`nginx.conf.template` for them into a run folder (a new temporary one unless --run-dir), checks
it with `nginx -t` and runs nginx from it, unprivileged, in front of them. It then checks every
replica's health every few seconds and restarts one that exited or stopped answering. Ctrl-C
(or SIGTERM/SIGHUP) stops nginx and every replica with everything they started. The state
(URL, ports, process ids, logs) is in `<run folder>/cluster.json`.

nginx is Debian's (`scripts/setup.sh serve` installs it); WSIS_NGINX names another binary.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "streamlit_app.py"
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX_ENV = "WSIS_NGINX"
AFFINITY_COOKIE = "wsis_replica"  # the number of the replica that keeps a viewer
HEALTH_PATH = "/_stcore/health"
HEALTH_TIMEOUT = 90.0  # seconds for a replica to start answering its health check
CHECK_EVERY = 5.0  # seconds between two health rounds of `cluster`
UNHEALTHY_LIMIT = 6  # failed health checks in a row after which a running replica is restarted
PLACEHOLDER = re.compile(r"\$\{(WSIS_[A-Z_]+)\}")
UPSTREAM = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$")
LISTEN = re.compile(r"^(?:(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):)?[0-9]{1,5}$")
UNSAFE_IN_PATH = re.compile(r'["\\$;{}\s]')


class ServeError(RuntimeError):
    """The replicas or nginx could not be started; the message says why and what to do."""


# --- the nginx configuration ------------------------------------------------------------------
def _quoted_path(path: Path) -> str:
    text = str(path)
    if not path.is_absolute() or UNSAFE_IN_PATH.search(text):
        raise ServeError(
            f"{text!r}: nginx paths must be absolute, without quotes, spaces or $;{{}}"
        )
    return f'"{text}"'


def upstream_address(upstream: str) -> str:
    """ "ip:port" (IPv4) or "[ip]:port" (IPv6) as nginx writes it in $upstream_addr, else
    ServeError (a host name must be resolved first: `resolve_upstreams`).

    >>> upstream_address("127.0.0.1:8601"), upstream_address("[::1]:8601")
    ('127.0.0.1:8601', '[::1]:8601')
    """
    host, _, port = upstream.rpartition(":")
    bracketed = host.startswith("[") and host.endswith("]")
    try:
        ip = ipaddress.ip_address(host[1:-1] if bracketed else host)
        number = int(port)
    except ValueError:
        raise ServeError(f"not an ip:port: {upstream!r}") from None
    if not 0 < number < 65536 or (ip.version == 6) != bracketed:
        raise ServeError(f"not an ip:port: {upstream!r}")
    return f"[{ip}]:{number}" if ip.version == 6 else f"{ip}:{number}"


def resolve_upstreams(upstreams: Sequence[str]) -> list[str]:
    """Every address of each "host:port" (a compose service name gives one per replica), in a
    stable order; ServeError when a name does not resolve."""
    out: list[str] = []
    for upstream in upstreams:
        host, _, port = upstream.rpartition(":")
        if not UPSTREAM.match(upstream):
            raise ServeError(f"not host:port: {upstream!r}")
        try:
            infos = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_STREAM)
        except (OSError, ValueError) as exc:
            raise ServeError(f"cannot resolve {upstream!r}: {exc}") from None
        found = set()
        for family, *_, sockaddr in infos:
            ip = str(sockaddr[0])
            found.add(f"[{ip}]:{port}" if family == socket.AF_INET6 else f"{ip}:{port}")
        out += sorted(
            found - set(out),
            key=lambda a: ipaddress.ip_address(a.rsplit(":", 1)[0].strip("[]")).packed,
        )
    return out


def render_config(
    *,
    upstreams: Sequence[str],
    listen: str,
    run_dir: Path,
    error_log: str | None = None,
    access_log: str | None = None,
    template: str | None = None,
) -> str:
    """The nginx configuration for the replicas at `upstreams` ("ip:port" each) listening on
    `listen` ("port" or "address:port"), with its pid, temporary files and logs in `run_dir`
    (logs: `error_log` "stderr" and `access_log` "/dev/stdout" send them to the console).
    Replica i (from 1) gets the group `wsis_replica_<i>`, where the others are its backups.

    >>> conf = render_config(upstreams=["127.0.0.1:8601", "127.0.0.1:8602"],
    ...                      listen="127.0.0.1:8501", run_dir=Path("/tmp/run"))
    >>> conf.count("upstream wsis_replica_"), "listen 127.0.0.1:8501;" in conf, "${" in conf
    (2, True, False)
    """
    if not upstreams:
        raise ServeError("nginx needs at least one replica")
    addresses = [upstream_address(u) for u in upstreams]
    if len(set(addresses)) != len(addresses):
        raise ServeError(f"a replica is listed twice: {', '.join(upstreams)}")
    if not LISTEN.match(listen):
        raise ServeError(f"not a port or address:port to listen on: {listen!r}")
    health = "max_fails=1 fail_timeout=10s"
    blocks = ["    upstream wsis_new {", "        zone wsis_new 64k;"]
    blocks += [f"        server {a} {health};" for a in addresses]
    blocks += ["        keepalive 16;", "    }"]
    for i, address in enumerate(addresses):
        backups = addresses[i + 1 :] + addresses[:i]
        blocks += [f"    upstream wsis_replica_{i + 1} {{", f"        zone wsis_replica_{i + 1} 64k;",
                   f"        server {address} {health};"]  # fmt: skip
        blocks += [f"        server {b} {health} backup;" for b in backups]
        blocks += ["        keepalive 16;", "    }"]
    logs = {"stderr": "stderr", "/dev/stdout": "/dev/stdout", "/dev/stderr": "/dev/stderr"}
    values = {
        "WSIS_RUN_DIR": _quoted_path(run_dir).strip('"'),
        "WSIS_LISTEN": listen,
        "WSIS_ERROR_LOG": logs.get(error_log or "") or _quoted_path(run_dir / "error.log"),
        "WSIS_ACCESS_LOG": logs.get(access_log or "") or _quoted_path(run_dir / "access.log"),
        "WSIS_UPSTREAMS": "\n".join(blocks),
        "WSIS_COOKIE_ROUTES": "\n".join(
            f'        "{i}" wsis_replica_{i};' for i in range(1, len(addresses) + 1)
        ),
        "WSIS_SERVED_BY": "\n".join(
            f'        "~(?:^|, ){re.escape(a)}$" {i};' for i, a in enumerate(addresses, start=1)
        ),
    }
    for name, value in (("error_log", error_log), ("access_log", access_log)):
        if value and value not in logs:
            values[f"WSIS_{name.upper()}"] = _quoted_path(Path(value))
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    unknown = sorted(set(PLACEHOLDER.findall(text)) - set(values))
    if unknown:
        raise ServeError(f"the nginx template has unknown placeholders: {', '.join(unknown)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def nginx_binary() -> str:
    """Debian's nginx (on PATH or /usr/sbin, which is not on every user's PATH), or $WSIS_NGINX."""
    configured = os.environ.get(NGINX_ENV)
    found = configured or shutil.which("nginx") or "/usr/sbin/nginx"
    if not (os.path.isfile(found) and os.access(found, os.X_OK)):
        origin = f" (set by {NGINX_ENV})" if configured else ""
        raise ServeError(
            f"nginx was not found at {found}{origin}. Install it with `make serve` (it runs "
            "scripts/setup.sh serve) or `sudo apt-get install nginx`."
        )
    return found


def nginx_command(conf: Path, run_dir: Path, *, error_log: str) -> list[str]:
    """nginx in the foreground from `conf`: `-e` keeps it from opening the system's error log
    (which an unprivileged user cannot) before it has read the configuration."""
    return [nginx_binary(), "-c", str(conf), "-p", f"{run_dir}/", "-e", error_log,
            "-g", "daemon off;"]  # fmt: skip


def check_config(conf: Path, run_dir: Path) -> str:
    """Run `nginx -t` on `conf`; return its output, or raise ServeError with it."""
    command = [*nginx_command(conf, run_dir, error_log="stderr")[:-2], "-t", "-q"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise ServeError(f"nginx refused its configuration {conf}:\n{result.stderr.strip()}")
    return result.stderr.strip()


# --- the replicas -----------------------------------------------------------------------------
def streamlit_command(*, address: str, port: int, app: Path = APP) -> list[str]:
    """One headless replica of the dashboard (the settings of `make run`, on `address:port`)."""
    return [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", address,
            "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false"]  # fmt: skip


def healthy(url: str, *, timeout: float = 2.0) -> bool:
    """True when `url` answers Streamlit's health check (200 "ok")."""
    try:
        with urllib.request.urlopen(url + HEALTH_PATH, timeout=timeout) as resp:
            return bool(resp.status == 200 and resp.read(16).strip() == b"ok")
    except (OSError, ValueError):
        return False


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on `host` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    """True when `host:port` cannot be bound (another server has it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _die_with_parent() -> None:
    """In the child before exec: receive SIGTERM when the launcher dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def stop_process(proc: subprocess.Popen[bytes] | None, *, sig: int = signal.SIGTERM,
                 grace: float = 10.0) -> None:  # fmt: skip
    """Stop `proc` and its process group (what it started): `sig`, then SIGKILL after `grace`."""
    if proc is None:
        return
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    # the leader may be gone while what it started lives on in its group
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)


def _tail(path: Path, chars: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


@dataclass
class Replica:
    """One Streamlit process of the cluster, on its own 127.0.0.1 port."""

    index: int
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0  # monotonic time of the last start
    restarts: int = 0
    failures: int = 0  # failed health checks in a row

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None


@dataclass
class Cluster:
    """N replicas behind nginx listening on `bind:port`. `start()` returns once nginx answers;
    `stop()` (or leaving the `with` block) stops everything. `env`: the replicas' environment
    (default: this process's). `cancel`: an event that aborts a start in progress (Ctrl-C)."""

    replicas: int
    port: int
    bind: str = "127.0.0.1"
    run_dir: Path | None = None
    env: Mapping[str, str] | None = None
    die_with_parent: bool = False
    health_timeout: float = HEALTH_TIMEOUT
    cancel: threading.Event = field(default_factory=threading.Event)
    members: list[Replica] = field(default_factory=list)
    nginx: subprocess.Popen[bytes] | None = None
    _own_run_dir: bool = False

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "", "*") else self.bind
        host = "[::1]" if host == "::" else (f"[{host}]" if ":" in host else host)
        return f"http://{host}:{self.port}"

    @property
    def listen(self) -> str:
        if self.bind in ("0.0.0.0", "", "*"):
            return str(self.port)
        return f"[{self.bind}]:{self.port}" if ":" in self.bind else f"{self.bind}:{self.port}"

    @property
    def folder(self) -> Path:
        if self.run_dir is None:
            raise ServeError("the cluster has not been started")
        return self.run_dir

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    @property
    def replica_pids(self) -> list[int]:
        return [r.pid for r in self.members if r.pid is not None]

    # start and stop ----------------------------------------------------------------------
    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> Cluster:
        if self.replicas < 1:
            raise ServeError(f"--replicas must be at least 1, not {self.replicas}")
        if port_in_use(self.bind or "0.0.0.0", self.port):
            raise ServeError(f"port {self.port} is in use on {self.bind or 'all addresses'}: "
                             "stop what uses it or choose another (make serve PORT=...)")  # fmt: skip
        if self.run_dir is None:
            self.run_dir, self._own_run_dir = Path(tempfile.mkdtemp(prefix="wsis-serve-")), True
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # nginx's workers then run as nobody and must reach their files
            self.run_dir.chmod(0o755)
        try:
            taken = {self.port}
            for i in range(self.replicas):
                port = free_port()
                while port in taken:
                    port = free_port()
                taken.add(port)
                self.members.append(Replica(i + 1, port, self.folder / f"replica-{i + 1}.log"))
            for replica in self.members:
                self._spawn(replica)
            for replica in self.members:
                self._wait_healthy(replica)
            self._start_nginx()
            self.write_state()
        except BaseException:
            self.stop()
            raise
        return self

    def _popen(self, command: list[str], log_path: Path) -> subprocess.Popen[bytes]:
        env = dict(os.environ if self.env is None else self.env)
        with log_path.open("ab") as log:
            return subprocess.Popen(
                command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent if self.die_with_parent else None,
            )  # fmt: skip

    def _spawn(self, replica: Replica) -> None:
        command = streamlit_command(address="127.0.0.1", port=replica.port)
        replica.proc = self._popen(command, replica.log_path)
        replica.started, replica.failures = time.monotonic(), 0

    def _wait(self, ready: Callable[[], bool], proc: subprocess.Popen[bytes], timeout: float,
              what: str, log: Path) -> None:  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.cancel.is_set():
                raise ServeError("stopped while starting")
            if proc.poll() is not None:
                raise ServeError(f"{what} exited with {proc.returncode}:\n{_tail(log)}")
            if ready():
                return
            self.cancel.wait(0.2)
        raise ServeError(f"{what} did not answer within {timeout:g} s:\n{_tail(log)}")

    def _wait_healthy(self, replica: Replica) -> None:
        assert replica.proc is not None
        self._wait(lambda: healthy(replica.url), replica.proc, self.health_timeout,
                   f"replica {replica.index} (port {replica.port})", replica.log_path)  # fmt: skip

    def _start_nginx(self) -> None:
        conf = self.folder / "nginx.conf"
        conf.write_text(
            render_config(upstreams=[f"127.0.0.1:{r.port}" for r in self.members],
                          listen=self.listen, run_dir=self.folder),
            encoding="utf-8",
        )  # fmt: skip
        check_config(conf, self.folder)
        error_log = self.folder / "error.log"
        self.nginx = self._popen(nginx_command(conf, self.folder, error_log=str(error_log)),
                                 self.folder / "nginx.out")  # fmt: skip
        self._wait(lambda: healthy(self.url), self.nginx, 30.0, "nginx", error_log)

    def stop(self) -> None:
        """Stop nginx (fast shutdown: open websockets are closed) and every replica, each with
        what it started; remove the run folder if this cluster made it."""
        procs = [self.nginx, *(r.proc for r in self.members)]
        for proc in procs:  # signal all first, so they stop in parallel
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            stop_process(proc)
        if self._own_run_dir and self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    # health --------------------------------------------------------------------------------
    def check(self) -> list[str]:
        """One health round: restart a replica that exited, or that failed UNHEALTHY_LIMIT
        checks in a row after its start-up time; what happened, as lines for the console."""
        events = []
        if self.nginx is not None and self.nginx.poll() is not None:
            raise ServeError(f"nginx exited with {self.nginx.returncode}:\n"
                             f"{_tail(self.folder / 'error.log')}")  # fmt: skip
        for replica in self.members:
            assert replica.proc is not None
            reason = ""
            if replica.proc.poll() is not None:
                reason = f"exited with {replica.proc.returncode}"
            elif healthy(replica.url, timeout=CHECK_EVERY):
                replica.failures = 0
            elif time.monotonic() - replica.started > self.health_timeout:
                replica.failures += 1
                if replica.failures >= UNHEALTHY_LIMIT:
                    reason = f"failed {replica.failures} health checks in a row"
            if reason:
                stop_process(replica.proc)
                self._spawn(replica)
                replica.restarts += 1
                events.append(f"replica {replica.index} (port {replica.port}) {reason}: "
                              f"restarted (pid {replica.pid})")  # fmt: skip
        if events:
            self.write_state()
        return events

    def state(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "listen": self.listen,
            "run_dir": str(self.folder),
            "nginx": {"pid": self.nginx.pid if self.nginx else None,
                      "config": str(self.folder / "nginx.conf"),
                      "access_log": str(self.access_log),
                      "error_log": str(self.folder / "error.log")},
            "replicas": [{"index": r.index, "port": r.port, "pid": r.pid, "url": r.url,
                          "log": str(r.log_path), "restarts": r.restarts}
                         for r in self.members],
        }  # fmt: skip

    def write_state(self) -> None:
        """`cluster.json` in the run folder, replaced atomically."""
        tmp = self.folder / "cluster.json.tmp"
        tmp.write_text(json.dumps(self.state(), indent=2), encoding="utf-8")
        tmp.replace(self.folder / "cluster.json")


# --- the command line -------------------------------------------------------------------------
def run_cluster(args: argparse.Namespace) -> int:
    """`make serve`: start, watch the replicas' health until a signal, stop everything."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    cluster = Cluster(replicas=args.replicas, port=args.port, bind=args.bind,
                      run_dir=args.run_dir, die_with_parent=True, cancel=stop)  # fmt: skip
    status = 0
    try:
        print(f"serve: starting {args.replicas} replica(s) and nginx ...", flush=True)
        cluster.start()
        where = "all addresses" if cluster.listen.isdigit() else cluster.bind
        print(f"serve: the dashboard is on {cluster.url} (nginx on {where}, port {args.port}; "
              f"replicas on 127.0.0.1 ports {', '.join(str(r.port) for r in cluster.members)})\n"
              f"serve: logs and state in {cluster.folder}; Ctrl-C stops everything", flush=True)  # fmt: skip
        while not stop.wait(args.check_every):
            for event in cluster.check():
                print(f"serve: {event}", flush=True)
    except ServeError as exc:
        if not stop.is_set():
            print(f"serve: {exc}", file=sys.stderr, flush=True)
            status = 1
    finally:
        cluster.stop()
        print("serve: stopped nginx and every replica", flush=True)
    return status


def run_proxy(args: argparse.Namespace) -> int:
    """The container's nginx: render the template for `--upstream`, check it, exec nginx."""
    run_dir = args.run_dir or Path(tempfile.gettempdir()) / "wsis-nginx"
    run_dir.mkdir(parents=True, exist_ok=True)
    conf = run_dir / "nginx.conf"
    upstreams = resolve_upstreams(args.upstream)  # a service name: one address per replica
    print(f"serve: nginx in front of {', '.join(upstreams)}", file=sys.stderr, flush=True)
    conf.write_text(render_config(upstreams=upstreams, listen=args.listen, run_dir=run_dir,
                                  error_log="stderr", access_log="/dev/stdout"),
                    encoding="utf-8")  # fmt: skip
    check_config(conf, run_dir)
    command = nginx_command(conf, run_dir, error_log="stderr")
    # nginx opens /dev/stdout by name, which an unprivileged user may not do when the standard
    # output is a pipe made by root (the container runtime's): give it a pipe of its own user,
    # copied to the real standard output by `cat` (which ends when nginx closes it).
    read_end, write_end = os.pipe()
    subprocess.Popen(["cat"], stdin=read_end, close_fds=True)
    os.close(read_end)
    os.dup2(write_end, 1)
    os.close(write_end)
    os.execv(command[0], command)
    return 1  # not reached


def run_replica(args: argparse.Namespace) -> int:
    """The container's replica: exec Streamlit on `--address:--port`."""
    command = streamlit_command(address=args.address, port=args.port)
    os.chdir(ROOT)
    os.execv(command[0], command)
    return 1  # not reached


def run_health(args: argparse.Namespace) -> int:
    return 0 if healthy(f"http://{args.host}:{args.port}", timeout=args.timeout) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deploy.serve",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)
    cluster = sub.add_parser("cluster", help="N replicas behind nginx (make serve)")
    cluster.add_argument("--replicas", type=int, default=os.cpu_count() or 1)
    cluster.add_argument("--port", type=int, default=8501, help="nginx's port")
    cluster.add_argument("--bind", default="0.0.0.0", help="nginx's address (0.0.0.0: all)")
    cluster.add_argument("--run-dir", type=Path, default=None,
                         help="kept folder for the config, logs and state (default: temporary)")  # fmt: skip
    cluster.add_argument("--check-every", type=float, default=CHECK_EVERY,
                         help="seconds between two health checks of the replicas")  # fmt: skip
    cluster.set_defaults(func=run_cluster)
    proxy = sub.add_parser("proxy", help="nginx in front of --upstream (container)")
    proxy.add_argument("--upstream", action="append", required=True, help="host:port (repeat)")
    proxy.add_argument("--listen", default="8080")
    proxy.add_argument("--run-dir", type=Path, default=None)
    proxy.set_defaults(func=run_proxy)
    replica = sub.add_parser("replica", help="one Streamlit replica (container)")
    replica.add_argument("--address", default="0.0.0.0")
    replica.add_argument("--port", type=int, default=8501)
    replica.set_defaults(func=run_replica)
    health = sub.add_parser("health", help="exit 0 when /_stcore/health answers ok")
    health.add_argument("--host", default="127.0.0.1")
    health.add_argument("--port", type=int, default=8501)
    health.add_argument("--timeout", type=float, default=4.0)
    health.set_defaults(func=run_health)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ServeError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
