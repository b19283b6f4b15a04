#!/bin/sh
# Prepares everything scripts/run-vscode-tests.mjs needs, using only Debian's apt and the npm
# registry (no VS Code download is possible on machines without general internet access):
#   apt  chromium     the browser that loads code-server's workbench
#        ripgrep      stands in for @vscode/ripgrep, whose install step downloads from GitHub
#        libkrb5-dev  headers for the `kerberos` native module of the VS Code server
#   npm  code-server 4.100.3 (VS Code 1.100.3; later releases need Node 22), installed with npm
#        into .vscode-test/code-server, outside the pnpm workspace and its lockfile.
# Safe to run again: it returns at once when everything is already in place.
set -eu

CODE_SERVER_VERSION=4.100.3
# @vscode/ripgrep's version and release asset as pinned by code-server 4.100.3's lib/vscode.
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

EXTENSION_DIR="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="$EXTENSION_DIR/.vscode-test/code-server"
INSTALLED_PACKAGE="$TARGET/node_modules/code-server/package.json"
INSTALLED_RG="$TARGET/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"

missing_apt_packages=""
[ -x /usr/bin/chromium ] || missing_apt_packages="$missing_apt_packages chromium"
command -v rg >/dev/null 2>&1 || missing_apt_packages="$missing_apt_packages ripgrep"
[ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || missing_apt_packages="$missing_apt_packages libkrb5-dev"

code_server_ready() {
  [ -f "$INSTALLED_PACKAGE" ] && [ -x "$INSTALLED_RG" ] &&
    node -e 'process.exit(require(process.argv[1]).version === process.argv[2] ? 0 : 1)' \
      "$INSTALLED_PACKAGE" "$CODE_SERVER_VERSION"
}

if [ -z "$missing_apt_packages" ] && code_server_ready; then
  echo "vscode test dependencies already present (code-server $CODE_SERVER_VERSION in $TARGET)"
  exit 0
fi

if [ -n "$missing_apt_packages" ]; then
  as_root=""
  [ "$(id -u)" = 0 ] || as_root="sudo"
  echo "installing from apt:$missing_apt_packages"
  $as_root apt-get update -qq
  # shellcheck disable=SC2086 # the list is meant to split into words
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq $missing_apt_packages
fi

if code_server_ready; then
  echo "code-server $CODE_SERVER_VERSION already installed in $TARGET"
  exit 0
fi

# @vscode/ripgrep's postinstall looks in its download cache before going to GitHub; an archive
# holding Debian's rg under the expected name makes it install offline.
ripgrep_cache="$(node -p 'require("node:os").tmpdir()')/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
if [ ! -s "$ripgrep_cache/$RIPGREP_ASSET" ]; then
  mkdir -p "$ripgrep_cache"
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$ripgrep_cache/$RIPGREP_ASSET" -C "$staging" rg
  rm -rf "$staging"
fi

echo "installing code-server $CODE_SERVER_VERSION into $TARGET (about a minute: native modules compile)"
rm -rf "$TARGET"
mkdir -p "$TARGET"
printf '{ "name": "vscode-test-code-server", "private": true }\n' > "$TARGET/package.json"
cd "$TARGET"
# Run under pnpm (pnpm test:vscode), the environment carries pnpm's npm_* settings, among them
# npm_config_user_agent=pnpm/…, which code-server's postinstall reads to pick the package manager
# it installs VS Code's dependencies with (it knows npm and yarn only), and
# npm_config_globalconfig=<pnpm's rc>, which would hide npm's own global npmrc. Drop them all so
# npm sets its own, except the ones that say how to reach the registry (a mirror, a proxy, a CA
# bundle): those may come from the caller's environment, and npm reads their rc-file values anyway.
for variable in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do
  case "$variable" in
    npm_config_registry | npm_config_cafile | npm_config_ca | npm_config_strict_ssl | \
      npm_config_proxy | npm_config_https_proxy | npm_config_noproxy | npm_config_cache) ;;
    *) unset "$variable" ;;
  esac
done
# npm_config_unsafe_perm: code-server's postinstall refuses to run as root without it.
# npm_config_yes: node-pty's postinstall calls npx, which must not stop to ask.
npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"

if ! code_server_ready; then
  echo "code-server installed, but its ripgrep binary is missing: $INSTALLED_RG" >&2
  exit 1
fi
echo "installed code-server $CODE_SERVER_VERSION in $TARGET"
