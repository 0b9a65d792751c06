"""Replicas behind nginx (deploy/serve.py, deploy/nginx.conf.template): the configuration
renders for N replicas and nginx accepts it; then `make serve`'s command with 2 replicas,
checked through the proxy (page, health, websocket session with a chart, frame headers, blocked
metrics, gzip, one replica per viewer, a replica killed and restarted) and stopped by Ctrl-C
with every process gone.

The tests that run nginx are marked `nginx`: they skip where Debian's nginx is missing, except
in CI (CI=true), where `make test`'s set-up has installed it and a skip would hide a failure.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deploy import serve

ROOT = Path(__file__).resolve().parents[1]
FRAME_HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
}


def nginx_or_skip() -> str:
    try:
        return serve.nginx_binary()
    except serve.ServeError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the nginx tests: {exc}")
        pytest.skip(str(exc))


def render(replicas: int, run_dir: Path, **kwargs: Any) -> str:
    ports = [8601 + i for i in range(replicas)]
    return serve.render_config(
        upstreams=[f"127.0.0.1:{p}" for p in ports],
        listen=kwargs.pop("listen", "127.0.0.1:8501"),
        run_dir=run_dir,
        **kwargs,
    )


# --- the configuration ------------------------------------------------------------------------
@pytest.mark.parametrize("replicas", [1, 2, 5])
def test_the_config_renders_for_n_replicas(replicas: int, tmp_path: Path) -> None:
    conf = render(replicas, tmp_path)
    addresses = [f"127.0.0.1:{8601 + i}" for i in range(replicas)]
    health = "max_fails=1 fail_timeout=10s"

    def servers(group: str) -> list[str]:
        block = re.search(rf"upstream {group} \{{(.*?)\n    \}}", conf, flags=re.S)
        assert block, group
        return re.findall(rf"^\s+server (\S+ {health}(?: backup)?);$", block.group(1), flags=re.M)

    # new viewers: every replica in turn; replica i: itself, then the others as backups
    assert servers("wsis_new") == [f"{a} {health}" for a in addresses]
    for i, address in enumerate(addresses):
        others = addresses[i + 1 :] + addresses[:i]
        assert servers(f"wsis_replica_{i + 1}") == [f"{address} {health}"] + [
            f"{a} {health} backup" for a in others
        ]
        assert re.search(rf'^\s+"{i + 1}" wsis_replica_{i + 1};$', conf, flags=re.M)
        assert f'"~(?:^|, ){re.escape(address)}$" {i + 1};' in conf
    assert conf.count("upstream wsis_replica_") == replicas
    assert "${" not in conf and "listen 127.0.0.1:8501;" in conf
    # everything nginx writes stays in the run folder
    for directive in ("pid", "client_body_temp_path", "proxy_temp_path", "scgi_temp_path"):
        assert re.search(rf'^\s*{directive} "{re.escape(str(tmp_path))}/', conf, flags=re.M)
    assert f'error_log "{tmp_path}/error.log"' in conf
    assert f'access_log "{tmp_path}/access.log" wsis;' in conf
    assert not re.search(r"^\s*user\s", conf, flags=re.M)  # runs as whoever starts it


def test_upstreams_are_addresses_and_names_resolve_to_each_replica() -> None:
    assert serve.upstream_address("[::1]:8501") == "[::1]:8501"
    for bad in ("app:8501", "::1:8501", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1"):
        with pytest.raises(serve.ServeError):
            serve.upstream_address(bad)
    resolved = serve.resolve_upstreams(["localhost:8501", "127.0.0.2:8502"])
    assert "127.0.0.1:8501" in resolved and resolved[-1] == "127.0.0.2:8502"
    assert all(serve.upstream_address(a) == a for a in resolved)
    with pytest.raises(serve.ServeError, match="cannot resolve"):
        serve.resolve_upstreams(["no-such-host.invalid:8501"])


def test_the_config_sets_the_frame_headers_blocks_metrics_and_upgrades_websockets(
    tmp_path: Path,
) -> None:
    conf = render(2, tmp_path)
    for name, value in FRAME_HEADERS.items():
        assert re.search(rf'add_header {name} "{re.escape(value)}" always;', conf)
        assert f"proxy_hide_header {name};" in conf  # never two values
    # add_header is not inherited by a block that has its own: only the server block has them
    assert all(b.count("add_header") == 0 for b in re.findall(r"location[^{]*\{[^}]*\}", conf))
    assert re.search(r"location \^~ /_stcore/metrics \{\s*return 404;", conf)
    stream = re.search(r"location = /_stcore/stream \{(.*?)\}", conf, flags=re.S)
    assert stream and "proxy_read_timeout 300s;" in stream.group(1)
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $wsis_connection;" in conf
    assert "proxy_set_header Host $http_host;" in conf
    gzip_types = re.search(r"gzip_types([^;]*);", conf)
    assert gzip_types
    assert {"application/javascript", "text/css", "application/json"} <= set(
        gzip_types.group(1).split()
    )


def test_the_containers_log_to_the_console(tmp_path: Path) -> None:
    conf = render(1, tmp_path, listen="8080", error_log="stderr", access_log="/dev/stdout")
    assert "error_log stderr warn;" in conf and "access_log /dev/stdout wsis;" in conf
    assert "listen 8080;" in conf


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("upstreams", []),
        ("upstreams", ["127.0.0.1:86 01"]),
        ("upstreams", ["127.0.0.1:8601; } server { listen 80"]),
        ("upstreams", ["app:8501"]),
        ("upstreams", ["127.0.0.1:8601", "127.0.0.1:8601"]),
        ("listen", "8501; include /etc/passwd"),
        ("listen", ""),
        ("run_dir", Path("relative/run")),
        ("run_dir", Path('/tmp/a"b')),
        ("run_dir", Path("/tmp/a;b")),
        ("run_dir", Path("/tmp/with space")),
    ],
)
def test_render_refuses_what_would_break_or_inject_the_config(field: str, value: Any) -> None:
    args: dict[str, Any] = {
        "upstreams": ["127.0.0.1:8601"],
        "listen": "127.0.0.1:8501",
        "run_dir": Path("/tmp/run"),
    }
    args[field] = value
    with pytest.raises(serve.ServeError):
        serve.render_config(**args)


def test_render_refuses_an_unknown_placeholder(tmp_path: Path) -> None:
    with pytest.raises(serve.ServeError, match="WSIS_NOT_KNOWN"):
        serve.render_config(upstreams=["127.0.0.1:1"], listen="1", run_dir=tmp_path,
                            template="events {}\n# ${WSIS_NOT_KNOWN}\n")  # fmt: skip


@pytest.mark.nginx
@pytest.mark.parametrize("replicas", [1, 2, 5])
def test_nginx_accepts_the_config(replicas: int, tmp_path: Path) -> None:
    nginx_or_skip()
    conf = tmp_path / "nginx.conf"
    conf.write_text(render(replicas, tmp_path), encoding="utf-8")
    serve.check_config(conf, tmp_path)  # raises with nginx's message if refused


@pytest.mark.nginx
def test_nginx_accepts_the_containers_config(tmp_path: Path) -> None:
    """As `deploy.serve proxy` renders it (compose's service name does not resolve here, so
    localhost stands in for it)."""
    nginx_or_skip()
    conf = tmp_path / "nginx.conf"
    upstreams = serve.resolve_upstreams(["localhost:8501"])
    conf.write_text(
        serve.render_config(upstreams=upstreams, listen="8080", run_dir=tmp_path,
                            error_log="stderr", access_log="/dev/stdout"),
        encoding="utf-8",
    )  # fmt: skip
    serve.check_config(conf, tmp_path)


@pytest.mark.nginx
def test_nginx_refusal_is_reported_with_its_message(tmp_path: Path) -> None:
    nginx_or_skip()
    conf = tmp_path / "nginx.conf"
    conf.write_text(render(1, tmp_path).replace("gzip on;", "gzip maybe;"), encoding="utf-8")
    with pytest.raises(serve.ServeError, match="gzip"):
        serve.check_config(conf, tmp_path)


# --- two replicas behind nginx, as `make serve` runs them --------------------------------------
def fetch(url: str, *, cookie: str = "", gzip: bool = False) -> tuple[int, Any, bytes]:
    """(status, headers, body) of a GET; HTTP errors are answers too."""
    request = urllib.request.Request(url)
    if cookie:
        request.add_header("Cookie", cookie)
    if gzip:
        request.add_header("Accept-Encoding", "gzip")
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def log_lines(state: dict[str, Any]) -> list[dict[str, str]]:
    """The proxy's access log: request, status, upstream (every replica tried), the replica
    that answered and the viewer's cookie, of each line."""
    pattern = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d+) \d+ upstream=(?P<upstream>.*?) '
                         r"replica=(?P<replica>\S*) cookie=(?P<cookie>\S+) ")  # fmt: skip
    text = Path(state["nginx"]["access_log"]).read_text(encoding="utf-8")
    return [m.groupdict() for m in pattern.finditer(text)]


def descendants(pid: int) -> list[int]:
    from benchmarks.bench_load import process_tree

    return process_tree(pid)


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def read_state(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / "cluster.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """`python -m deploy.serve cluster --replicas 2` (what `make serve REPLICAS=2` runs) on a
    free port, in its own process group as a terminal's foreground job would be."""
    nginx_or_skip()
    run_dir = tmp_path_factory.mktemp("serve")
    port = serve.free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("WSIS_STORE", "WSIS_ALLOW_REFRESH")}
    command = [sys.executable, "-m", "deploy.serve", "cluster", "--replicas", "2",
               "--port", str(port), "--bind", "127.0.0.1", "--run-dir", str(run_dir),
               "--check-every", "1"]  # fmt: skip
    out = (run_dir / "launcher.out").open("wb")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 2 * serve.HEALTH_TIMEOUT
        while not (run_dir / "cluster.json").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("make serve's command did not start:\n"
                            + (run_dir / "launcher.out").read_text(errors="replace")[-3000:])  # fmt: skip
            time.sleep(0.2)
        yield proc, run_dir
    finally:  # after a failed test: whatever is left, by its process group
        pids = [proc.pid]
        if (run_dir / "cluster.json").exists():
            state = read_state(run_dir)
            pids += [state["nginx"]["pid"], *(r["pid"] for r in state["replicas"])]
        for pid in pids:
            if pid and alive(pid):
                os.killpg(pid, signal.SIGKILL)
        proc.wait(timeout=10)
        out.close()


@pytest.mark.nginx
@pytest.mark.xdist_group("browser")
def test_the_page_loads_through_the_proxy_with_frame_headers_and_an_affinity_cookie(
    cluster,
) -> None:
    _, run_dir = cluster
    state = read_state(run_dir)
    status, headers, body = fetch(state["url"] + "/")
    assert status == 200 and b'<div id="root">' in body
    for name, value in FRAME_HEADERS.items():
        assert headers.get_all(name) == [value], name
    cookie = headers.get("Set-Cookie", "")
    assert re.match(rf"{serve.AFFINITY_COOKIE}=[12]; Path=/; HttpOnly; SameSite=Lax$", cookie)
    # a viewer who has the cookie is not given another one
    _, again, _ = fetch(state["url"] + "/", cookie=cookie.split(";")[0])
    assert again.get("Set-Cookie") is None
    assert {r["upstream"] for r in log_lines(state)} <= {
        f"127.0.0.1:{r['port']}" for r in state["replicas"]
    }


@pytest.mark.nginx
@pytest.mark.xdist_group("browser")
def test_health_is_ok_and_metrics_are_blocked_through_the_proxy(cluster) -> None:
    _, run_dir = cluster
    state = read_state(run_dir)
    status, headers, body = fetch(state["url"] + "/_stcore/health")
    assert (status, body) == (200, b"ok")
    for path in ("/_stcore/metrics", "/_stcore/metrics?families=session_state",
                 "//_stcore/metrics", "/_stcore/%6Detrics", "/_stcore/./metrics"):  # fmt: skip
        status, headers, body = fetch(state["url"] + path)
        assert status == 404, path
        assert headers.get("X-Frame-Options") == "SAMEORIGIN"
    # the replicas do serve them, on 127.0.0.1 only: the block is the proxy's
    for replica in state["replicas"]:
        status, _, body = fetch(replica["url"] + "/_stcore/metrics")
        assert status == 200 and body


@pytest.mark.nginx
@pytest.mark.xdist_group("browser")
def test_javascript_and_css_come_compressed(cluster) -> None:
    _, run_dir = cluster
    state = read_state(run_dir)
    _, _, page = fetch(state["url"] + "/")
    assets = re.findall(rb'(?:src|href)="\.?/?(static/[^"]+\.(?:js|css))"', page)
    kinds = {a.rsplit(b".", 1)[1] for a in assets}
    assert kinds == {b"js", b"css"}, assets
    compressed = 0
    for asset in assets:
        status, headers, body = fetch(state["url"] + "/" + asset.decode(), gzip=True)
        assert status == 200, asset
        if headers.get("Content-Encoding") == "gzip":
            assert body[:2] == b"\x1f\x8b"
            compressed += 1
        else:  # not worth it below nginx's gzip_min_length
            assert len(body) < 1024, (asset, len(body))
    assert compressed >= len(assets) // 2


def address_of(state: dict[str, Any], replica: str) -> str:
    """The address of replica number `replica` ("1", "2": the cookie's values)."""
    return f"127.0.0.1:{state['replicas'][int(replica) - 1]['port']}"


@pytest.mark.nginx
@pytest.mark.xdist_group("browser")
def test_new_viewers_take_turns_and_each_stays_on_its_replica(cluster) -> None:
    from benchmarks.bench_load import affinity_cookie, run_async, run_ws_session

    _, run_dir = cluster
    state = read_state(run_dir)
    url = state["url"]
    cookies = [affinity_cookie(url, timeout=30) for _ in range(6)]
    given = Counter(c.split("=", 1)[1] for c in cookies)
    assert given == Counter({"1": 3, "2": 3}), given  # in turn, whatever the address
    for cookie in cookies[:2]:
        replica = cookie.split("=", 1)[1]
        for path in ("/", "/_stcore/health", "/_stcore/host-config", "/_stcore/health"):
            assert fetch(url + path, cookie=cookie)[0] == 200
        result = run_async(run_ws_session(url, economy="KEN", timeout=90, cookie=cookie))
        assert result.error == "" and result.first_chart is not None and result.interaction
        mine = [line for line in log_lines(state) if line["cookie"] == replica]
        assert any(line["request"].startswith("GET /_stcore/stream") and line["status"] == "101"
                   for line in mine)  # fmt: skip
        assert len(mine) >= 5
        assert {(line["upstream"], line["replica"]) for line in mine} == {
            (address_of(state, replica), replica)
        }
    # the cookie names the replica that served the page that set it
    first = [line for line in log_lines(state) if line["cookie"] == "-" and line["replica"]]
    assert {line["replica"] for line in first} == {"1", "2"}
    for line in first:
        assert line["upstream"] == address_of(state, line["replica"])
    # a cookie that names no replica is a new viewer's
    _, headers, _ = fetch(url + "/", cookie=f"{serve.AFFINITY_COOKIE}=3")
    assert re.match(rf"{serve.AFFINITY_COOKIE}=[12];", headers.get("Set-Cookie", ""))


@pytest.mark.nginx
@pytest.mark.xdist_group("browser")
def test_the_container_commands_health_and_proxy_work(cluster, tmp_path: Path) -> None:
    """`deploy.serve health` (the containers' health check) and `deploy.serve proxy` (the
    container's nginx, here in front of the cluster's replicas)."""
    _, run_dir = cluster
    state = read_state(run_dir)
    python = [sys.executable, "-m", "deploy.serve"]
    port = state["replicas"][0]["port"]
    assert subprocess.run([*python, "health", "--port", str(port)], cwd=ROOT).returncode == 0
    closed = serve.free_port()
    assert subprocess.run([*python, "health", "--port", str(closed)], cwd=ROOT).returncode == 1
    listen = serve.free_port()
    upstreams = [a for r in state["replicas"] for a in ("--upstream", f"127.0.0.1:{r['port']}")]
    proxy = subprocess.Popen([*python, "proxy", *upstreams, "--listen", f"127.0.0.1:{listen}",
                              "--run-dir", str(tmp_path)], cwd=ROOT, start_new_session=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not serve.healthy(f"http://127.0.0.1:{listen}") and time.monotonic() < deadline:
            assert proxy.poll() is None, "the container's nginx exited"
            time.sleep(0.2)
        status, headers, _ = fetch(f"http://127.0.0.1:{listen}/")
        assert status == 200 and headers.get("X-Frame-Options") == "SAMEORIGIN"
        assert fetch(f"http://127.0.0.1:{listen}/_stcore/metrics")[0] == 404
        time.sleep(0.5)  # the log line's way through `cat`
    finally:
        serve.stop_process(proxy)
    # the access log goes to the standard output (docker logs), through the relay
    assert proxy.stdout is not None
    logged = proxy.stdout.read().decode()
    assert re.search(r'"GET /_stcore/metrics HTTP/1.1" 404 .* upstream=- ', logged), logged
    assert re.search(r'"GET / HTTP/1.1" 200 .* upstream=127\.0\.0\.1:\d+ ', logged), logged


@pytest.mark.nginx
@pytest.mark.xdist_group("browser")
def test_a_killed_replica_is_passed_over_and_restarted(cluster) -> None:
    _, run_dir = cluster
    state = read_state(run_dir)
    victim = state["replicas"][0]
    logged = len(log_lines(state))
    os.killpg(victim["pid"], signal.SIGKILL)
    # every viewer still gets answers: nginx passes the dead replica over
    for cookie in ("", f"{serve.AFFINITY_COOKIE}=1", f"{serve.AFFINITY_COOKIE}=2") * 3:
        assert fetch(state["url"] + "/_stcore/health", cookie=cookie)[:1] == (200,)
    # nginx writes a request's line after sending its answer: wait for the nine lines
    deadline = time.monotonic() + 10
    while len(log_lines(state)) < logged + 9 and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = log_lines(state)[logged : logged + 9]
    assert len(lines) == 9, lines
    assert {line["replica"] for line in lines} == {"2"}, lines  # the backup of replica 1
    deadline = time.monotonic() + serve.HEALTH_TIMEOUT
    while time.monotonic() < deadline:
        now = read_state(run_dir)["replicas"][0]
        if now["restarts"] == 1 and now["pid"] != victim["pid"] and serve.healthy(now["url"]):
            break
        time.sleep(0.3)
    else:
        pytest.fail(f"replica 1 was not restarted: {read_state(run_dir)['replicas'][0]}")
    assert now["port"] == victim["port"]  # nginx's configuration still holds


@pytest.mark.nginx
@pytest.mark.xdist_group("browser")
def test_ctrl_c_stops_nginx_and_every_replica(cluster) -> None:
    proc, run_dir = cluster
    state = read_state(run_dir)
    pids = [proc.pid]
    for pid in [state["nginx"]["pid"], *(r["pid"] for r in state["replicas"])]:
        pids += descendants(pid)
    assert len(pids) >= 1 + 2 + 2  # the launcher, nginx and a worker, two replicas
    assert all(alive(p) for p in pids)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends its foreground job on Ctrl-C
    assert proc.wait(timeout=60) == 0
    assert [p for p in pids if alive(p)] == []
    assert not serve.healthy(state["url"])
    assert not serve.port_in_use("127.0.0.1", int(state["url"].rsplit(":", 1)[1]))
    output = (run_dir / "launcher.out").read_text(errors="replace")
    assert "stopped nginx and every replica" in output and "Traceback" not in output
