#!/usr/bin/env bash
# Set up everything the project needs on a fresh Debian machine, idempotently. The project itself
# is not installed: its commands run from this folder (python -m indicators / dashboard, pytest).
#   scripts/setup.sh run   -> Python venv + packages, chromium and fonts (image export)
#   scripts/setup.sh test  -> the same, plus LibreOffice and poppler for the deck-render test
set -euo pipefail
mode="${1:-run}"
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

PY="${PYTHON:-python3}"
VENV="${VENV:-$here/.venv}"

debs=(chromium fonts-liberation2 fonts-dejavu-core)
if [ "$mode" = "test" ]; then
  debs+=(poppler-utils libreoffice-impress-nogui)
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
