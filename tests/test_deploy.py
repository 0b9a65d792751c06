"""The container files hold what a server needs (deploy/Dockerfile, deploy/compose.yaml).

No Docker engine runs on the development machines, so nothing here builds or starts an image:
the files are parsed and checked for the essentials (a Debian Python base, chromium and fonts
from the project's set-up, the locked packages, a non-root user, health checks, the replicas,
one published port, the same nginx template as `make serve`), every command they run is parsed
by `deploy.serve`'s own command line, and every file they copy exists. Where `docker compose`
is installed, `docker compose config` validates the compose file too.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy import serve

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
# what the app reads at run time, relative to the repository (the build context)
RUNTIME = {"streamlit_app.py", ".streamlit", "indicators", "dashboard", "deploy", "data", "static"}


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        pending += " " + stripped.removesuffix("\\").strip()
        if not stripped.endswith("\\"):
            word, _, rest = pending.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
            pending = ""
    assert not pending, "a continuation line ends the Dockerfile"
    return out


def exec_form(args: str) -> list[str]:
    assert args.startswith("["), f"not the exec (JSON) form: {args}"
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value


def serve_args(argv: list[str]) -> argparse.Namespace:
    """`python -m deploy.serve ...` parsed by deploy.serve's own parser."""
    assert argv[:3] == ["python", "-m", "deploy.serve"], argv
    return serve.build_parser().parse_args(argv[3:])


def interpolate(value: Any) -> Any:
    """Compose's `${NAME:-default}` with NAME unset: the default."""
    if isinstance(value, str):
        return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)
    return value


def version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


# --- the image --------------------------------------------------------------------------------
def test_the_image_is_debian_with_a_python_the_project_supports() -> None:
    froms = [args for word, args in instructions() if word == "FROM"]
    assert len(froms) == 1
    match = re.fullmatch(r"python:(3\.\d+)-slim-(bookworm|trixie)", froms[0])
    assert match, froms[0]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = re.search(r">=\s*(3\.\d+)", project["requires-python"])
    assert wanted
    assert version(match.group(1)) >= version(wanted.group(1))


def test_the_image_is_set_up_by_the_project_script_with_chromium_fonts_nginx_and_the_lock() -> None:
    runs = [args for word, args in instructions() if word == "RUN"]
    setup = [r for r in runs if "scripts/setup.sh" in r]
    assert setup, runs
    mode = re.search(r"scripts/setup\.sh (\w+)", setup[0])
    assert mode and mode.group(1) == "serve"
    script = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    base = re.search(r"^debs=\(([^)]*)\)", script, flags=re.M)
    assert base and {"chromium", "fonts-liberation2", "fonts-dejavu-core"} <= set(
        base.group(1).split()
    )
    serve_block = re.search(r'if \[ "\$mode" = "serve" \][^\n]*\n\s*debs\+=\(([^)]*)\)', script)
    assert serve_block and "nginx" in serve_block.group(1).split()
    assert "pip install" in script and "-r requirements.lock" in script
    copied = [a for w, a in instructions() if w == "COPY"]
    assert any("requirements.lock" in c.split() for c in copied)


def test_every_file_the_image_copies_exists_and_the_app_has_what_it_reads() -> None:
    sources: set[str] = set()
    for word, args in instructions():
        if word == "COPY":
            parts = [p for p in shlex.split(args) if not p.startswith("--")]
            sources |= set(parts[:-1])
    missing = [s for s in sources if not (ROOT / s).exists()]
    assert missing == []
    assert sources >= RUNTIME, RUNTIME - sources
    assert (ROOT / "data" / "CURRENT").is_file()
    # nothing copied is left out of the build context by the ignore file beside the Dockerfile
    ignored = [
        p.strip()
        for p in (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
        if p.strip() and not p.startswith("#")
    ]
    assert ".venv" in ignored and ".git" in ignored
    for source in sources:
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source


def test_the_image_runs_as_a_user_other_than_root() -> None:
    steps = instructions()
    users = [(i, args) for i, (word, args) in enumerate(steps) if word == "USER"]
    assert users, "no USER: the container would run as root"
    last, user = users[-1]
    assert user.split(":")[0] not in {"root", "0"}
    assert all(word != "RUN" for word, _ in steps[last:])  # nothing runs as root afterwards
    created = " ".join(args for word, args in steps[:last] if word == "RUN")
    assert re.search(rf"useradd\b[^&]*\b{re.escape(user)}\b", created)


def test_the_image_checks_its_health_and_runs_one_replica() -> None:
    steps = dict(instructions())
    health = re.fullmatch(r"((?:--[a-z-]+=\S+\s+)*)CMD\s+(\[.*\])", steps["HEALTHCHECK"])
    assert health, steps["HEALTHCHECK"]
    assert "--interval=" in health.group(1) and "--start-period=" in health.group(1)
    check = serve_args(exec_form(health.group(2)))
    replica = serve_args(exec_form(steps["CMD"]))
    assert check.func is serve.run_health and replica.func is serve.run_replica
    assert check.port == replica.port and replica.address == "0.0.0.0"
    assert str(replica.port) in steps["EXPOSE"].split()


# --- the compose file -------------------------------------------------------------------------
def test_compose_runs_replicas_of_the_app_behind_the_proxy() -> None:
    services = compose()["services"]
    assert set(services) == {"app", "proxy"}
    app, proxy = services["app"], services["proxy"]
    assert int(interpolate(app["deploy"]["replicas"])) >= 2
    assert "ports" not in app, "the replicas are reached through the proxy only"
    assert app["environment"]["WSIS_ALLOW_REFRESH"] == "0"
    replica = serve_args(app["command"])
    assert replica.func is serve.run_replica and replica.address == "0.0.0.0"
    nginx = serve_args(proxy["command"])
    assert nginx.func is serve.run_proxy
    assert nginx.upstream == [f"app:{replica.port}"]
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    (published,) = proxy["ports"]
    host, container = interpolate(published).rsplit(":", 1)
    assert container == nginx.listen and int(host) > 0


def test_compose_builds_both_services_from_the_one_image_and_restarts_them() -> None:
    services = compose()["services"]
    images = {name: (s["build"]["context"], s["build"]["dockerfile"], s["image"])
              for name, s in services.items()}  # fmt: skip
    assert len(set(images.values())) == 1
    context, dockerfile, _ = images["app"]
    assert (COMPOSE.parent / context).resolve() == ROOT
    assert (ROOT / dockerfile).resolve() == DOCKERFILE
    for name, service in services.items():
        assert service["restart"] in {"unless-stopped", "always"}, name
        assert "no-new-privileges:true" in service["security_opt"], name


def test_compose_checks_the_health_of_both_services_on_their_own_ports() -> None:
    services = compose()["services"]
    ports = {
        "app": serve_args(services["app"]["command"]).port,
        "proxy": int(serve_args(services["proxy"]["command"]).listen),
    }
    for name, service in services.items():
        test = service["healthcheck"]["test"]
        assert test[0] == "CMD"
        check = serve_args(test[1:])
        assert check.func is serve.run_health and check.port == ports[name], name
        for key in ("interval", "timeout", "retries"):
            assert service["healthcheck"][key], (name, key)


def test_make_serve_and_the_containers_use_the_one_nginx_template() -> None:
    assert serve.TEMPLATE == DEPLOY / "nginx.conf.template" and serve.TEMPLATE.is_file()
    assert len(list(ROOT.rglob("nginx*.template"))) == 1
    copied = {a.split()[0] for w, a in instructions() if w == "COPY"}
    assert "deploy" in copied  # the template travels in the image with deploy/serve.py
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^serve:.*?\n((?:\t.*\n)+)", makefile, flags=re.M)
    assert recipe and "-m deploy.serve cluster --replicas $(REPLICAS)" in recipe.group(1)
    assert "scripts/setup.sh serve" in recipe.group(1)


def docker_compose() -> list[str] | None:
    """`docker compose` (the plugin, Compose v2) or Debian's `docker-compose` (1.29, which
    `scripts/setup.sh test` installs for this test), whichever is installed."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    found = shutil.which("docker-compose")
    return [found] if found else None


def test_docker_compose_accepts_the_file() -> None:
    """`docker compose config`: the file against Compose's own schema, variables resolved.
    Compose 1.x predates the top-level `name` (the project's name), so it gets the file
    without that one line, on its standard input, from deploy/ (where `..` is the root)."""
    command = docker_compose()
    if command is None:
        if os.environ.get("CI"):
            pytest.fail("CI must validate the compose file: scripts/setup.sh test installs it")
        pytest.skip("docker compose is not installed here: the file was checked by parsing")
    text = COMPOSE.read_text(encoding="utf-8")
    short = subprocess.run([*command, "version", "--short"], capture_output=True, text=True,
                           timeout=30).stdout.strip()  # fmt: skip
    legacy = short.lstrip("v").startswith("1.")
    args, stdin = ["-f", str(COMPOSE), "config"], None
    if legacy:
        assert re.search(r"^name: \S+$", text, flags=re.M)
        args, stdin = ["-f", "-", "config"], re.sub(r"^name: \S+\n", "", text, flags=re.M)
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "WSIS_REPLICAS": "3", "WSIS_PORT": "8080"}
    result = subprocess.run([*command, *args], input=stdin, capture_output=True, text=True,
                            timeout=60, cwd=DEPLOY, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    app, proxy = resolved["services"]["app"], resolved["services"]["proxy"]
    assert int(app["deploy"]["replicas"]) == 3
    assert Path(app["build"]["context"]).resolve() == ROOT
    (published,) = proxy["ports"]
    assert (int(published["published"]), int(published["target"])) == (8080, 8080)
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    # and a mistake is refused: the check is real
    broken = text.replace("healthcheck:", "healthchek:", 1)
    if legacy:
        broken = re.sub(r"^name: \S+\n", "", broken, flags=re.M)
    refused = subprocess.run([*command, "-f", "-", "config"], input=broken, capture_output=True,
                             text=True, timeout=60, cwd=DEPLOY, env=env)  # fmt: skip
    assert refused.returncode != 0 and "healthchek" in refused.stderr + refused.stdout
