#!/usr/bin/env bash
# Installs code-server (VS Code server + web workbench) from npm into .e2e/code-server-<version>/,
# for the end-to-end tests. Idempotent: a finished install leaves a marker and is reused.
# Needs (Debian): apt-get install -y libkrb5-dev ripgrep  (plus a C++ toolchain for node-gyp).
# Recipe: /work/shared/NOTES.md ("A real VS Code here"). 4.100.3 is the last release on Node 20.
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${E2E_CACHE_DIR:-$ROOT/.e2e}/code-server-$VERSION"
MARKER="$DIR/.installed"
BIN="$DIR/node_modules/.bin/code-server"

if [[ -f "$MARKER" && -x "$BIN" ]]; then
  echo "code-server $VERSION already installed: $BIN"
  exit 0
fi

for tool in rg make g++ python3; do
  command -v "$tool" >/dev/null || { echo "install-code-server: '$tool' is missing (apt-get install -y ripgrep build-essential python3 libkrb5-dev)" >&2; exit 1; }
done
[[ -f /usr/include/krb5.h || -f /usr/include/gssapi/gssapi.h ]] || { echo "install-code-server: libkrb5-dev is missing (apt-get install -y libkrb5-dev)" >&2; exit 1; }

start=$(date +%s)
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
# An own package.json so npm does not walk up into the extension's project.
printf '{ "name": "e2e-code-server", "private": true }\n' > package.json
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

echo "[1/5] npm install code-server@$VERSION (scripts off: its postinstall downloads ripgrep from GitHub)"
npm install --no-save --ignore-scripts --loglevel=error "code-server@$VERSION"

CS="$DIR/node_modules/code-server"
cd "$CS/lib/vscode"
echo "[2/5] VS Code server dependencies"
npm install --omit=dev --ignore-scripts --loglevel=error
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
echo "[3/5] native modules (node-pty, spdlog, kerberos, watchdog...)"
npm rebuild --loglevel=error
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
echo "[4/5] built-in extensions' dependencies"
(cd extensions && npm install --omit=dev --loglevel=error)

cd "$DIR"  # argon2 is hoisted to the top-level node_modules
echo "[5/5] argon2 (built from source: the prebuilt download is not reachable)"
npm rebuild argon2 --loglevel=error
[[ -n "$(find node_modules/argon2/lib/binding -name '*.node' 2>/dev/null)" ]] || { echo "install-code-server: argon2 did not build" >&2; exit 1; }

# --version must not write a config file into the home folder.
XDG_CONFIG_HOME="$DIR/.xdg-config" XDG_DATA_HOME="$DIR/.xdg-data" "$BIN" --version
touch "$MARKER"
echo "code-server $VERSION installed in $(( $(date +%s) - start )) s: $BIN"
