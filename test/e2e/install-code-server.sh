#!/usr/bin/env bash
# Installs code-server from npm into a cache prefix outside the project, offline-safe:
# its @vscode/ripgrep postinstall would download rg from GitHub, so we seed that
# package's own download cache with Debian's /usr/bin/rg before installing.
# Idempotent: an existing working install is reused. Prints the prefix's bin dir last.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
RIPGREP_PACKAGE_VERSION=1.15.11   # @vscode/ripgrep pinned by code-server 4.100.3's lib/vscode shrinkwrap
RIPGREP_ASSET_VERSION=v13.0.0-10  # the VERSION constant in that package's lib/postinstall.js
# Not under ~/.cache/vigil: that is Vigil's own DB cache dir.
PREFIX="${VIGIL_CODE_SERVER_PREFIX:-$HOME/.cache/vigil-e2e/code-server-$CODE_SERVER_VERSION}"
# Packages with install scripts in code-server's lib/vscode and lib/vscode/extensions trees (from
# their npm-shrinkwrap.json). Windows-only ones are left out: npm skips them on Linux anyway.
VSCODE_ALLOWED_SCRIPTS=@parcel/watcher,@vscode/deviceid,@vscode/ripgrep,@vscode/spdlog,kerberos,native-watchdog,node-pty
EXTENSIONS_ALLOWED_SCRIPTS=@parcel/watcher,esbuild

installed_ok() {
  [ -x "$PREFIX/bin/code-server" ] && [ -f "$PREFIX/.vigil-install-complete" ] &&
    "$PREFIX/bin/code-server" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION "
}

if installed_ok; then
  echo "code-server $CODE_SERVER_VERSION already installed in $PREFIX" >&2
  echo "$PREFIX/bin"
  exit 0
fi

command -v rg >/dev/null || { echo "install-code-server: ripgrep (rg) is required" >&2; exit 1; }
case "$(uname -m)" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64) rg_target=aarch64-unknown-linux-musl ;;
  *) echo "install-code-server: unsupported arch $(uname -m)" >&2; exit 1 ;;
esac

# @vscode/ripgrep looks for "$TMPDIR/vscode-ripgrep-cache-<pkg version>/ripgrep-<asset>-<target>.tar.gz"
# and, when present, unpacks it instead of downloading.
tmp_root="${TMPDIR:-/tmp}"
rg_cache="$tmp_root/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
rg_staging="$(mktemp -d)"
trap 'rm -rf "$rg_staging"' EXIT
mkdir -p "$rg_cache"
cp "$(command -v rg)" "$rg_staging/rg"
tar -czf "$rg_cache/ripgrep-$RIPGREP_ASSET_VERSION-$rg_target.tar.gz" -C "$rg_staging" rg

# node-gyp must build the native modules against the local Node headers, not download them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

rm -rf "$PREFIX"
mkdir -p "$PREFIX"
echo "Installing code-server $CODE_SERVER_VERSION into $PREFIX ..." >&2
start=$(date +%s)
# A private project rather than `npm install -g`: npm passes global mode down to code-server's
# postinstall, whose nested `npm install` in lib/vscode would then reinstall over itself.
# npm 11 runs only dependency install scripts listed in the project's allowScripts, and refuses
# --allow-scripts (flag or env) in project-scoped installs. code-server's postinstall runs two
# nested project installs (lib/vscode, lib/vscode/extensions) whose package.json has no such
# field. So: install without scripts, add allowScripts to those two package.json files, then
# `npm rebuild` runs the scripts of the allowed packages.
allow_scripts_json() { # comma list -> {"a": true, ...}
  node -e 'console.log(JSON.stringify(Object.fromEntries(process.argv[1].split(",").map(n => [n, true]))))' "$1"
}
add_allow_scripts() { # package.json, comma list
  node -e 'const fs = require("fs"); const [file, names] = process.argv.slice(1);
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    pkg.allowScripts = Object.fromEntries(names.split(",").map(n => [n, true]));
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");' "$1" "$2"
}
cat > "$PREFIX/package.json" <<JSON
{ "private": true, "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": $(allow_scripts_json code-server,argon2) }
JSON
(cd "$PREFIX" && npm install --no-audit --no-fund --ignore-scripts >&2)
cs="$PREFIX/node_modules/code-server"
add_allow_scripts "$cs/lib/vscode/package.json" "$VSCODE_ALLOWED_SCRIPTS"
add_allow_scripts "$cs/lib/vscode/extensions/package.json" "$EXTENSIONS_ALLOWED_SCRIPTS"
# yes=true: node-pty's postinstall runs `npx node-gyp`, which must not stop to ask.
(cd "$PREFIX" && npm_config_unsafe_perm=true npm_config_yes=true npm rebuild --unsafe-perm >&2)
mkdir -p "$PREFIX/bin"
ln -sf ../node_modules/code-server/out/node/entry.js "$PREFIX/bin/code-server"

# Fail loudly if a postinstall was skipped: these are the files the skipped scripts would create.
lib="$PREFIX/node_modules/code-server/lib/vscode"
for must_exist in \
  "$lib/node_modules/@vscode/ripgrep/bin/rg" \
  "$lib/node_modules/node-pty/build/Release/pty.node" \
  "$lib/node_modules/@vscode/spdlog/build/Release/spdlog.node" \
  "$lib/node_modules.asar"; do
  [ -e "$must_exist" ] || { echo "install-code-server: missing $must_exist after install" >&2; exit 1; }
done
"$PREFIX/bin/code-server" --version | grep -q "^$CODE_SERVER_VERSION " || {
  echo "install-code-server: $PREFIX/bin/code-server does not run" >&2; exit 1; }
touch "$PREFIX/.vigil-install-complete"
echo "code-server installed in $(( $(date +%s) - start ))s" >&2
echo "$PREFIX/bin"
