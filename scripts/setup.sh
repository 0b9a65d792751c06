#!/usr/bin/env bash
# Set up everything the project needs on a fresh Debian machine, idempotently. The project itself
# is not installed: its commands run from this folder (python -m indicators / dashboard, pytest).
#   scripts/setup.sh run   -> Python venv + packages, chromium and fonts (image export)
#   scripts/setup.sh serve -> the same, plus nginx (`make serve`: replicas behind a proxy)
#   scripts/setup.sh test  -> the same as serve, plus LibreOffice and poppler (deck-render test)
#                             and Debian's docker-compose (only its `config` check of deploy/)
set -euo pipefail
mode="${1:-run}"
case "$mode" in
  run | serve | test) ;;
  *) echo "setup: unknown mode '$mode' (run, serve or test)" >&2; exit 2 ;;
esac
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

PY="${PYTHON:-python3}"
VENV="${VENV:-$here/.venv}"

debs=(chromium fonts-liberation2 fonts-dejavu-core)
if [ "$mode" = "serve" ] || [ "$mode" = "test" ]; then
  debs+=(nginx)
fi
if [ "$mode" = "test" ]; then
  debs+=(poppler-utils libreoffice-impress-nogui docker-compose)
fi

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # `make serve` runs nginx unprivileged from its own generated configuration: keep the package
  # from starting (and leaving running) a system nginx on port 80 while it installs.
  if [[ " ${missing[*]} " == *" nginx "* ]] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
    $sudo_cmd chmod 755 /usr/sbin/policy-rc.d
    trap '$sudo_cmd rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating virtual environment in $VENV"
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.setup-stamp"
want="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages (pinned in requirements.lock)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.lock
  echo "$want" > "$stamp"
fi
