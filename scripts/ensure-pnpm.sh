#!/usr/bin/env bash
# Installs the workspace's dependencies on a fresh machine: pnpm itself (corepack cannot
# enable it here), then the packages exactly as the lockfile pins them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != 10.* ]]; then
  echo "installing pnpm 10 with npm" >&2
  npm i -g pnpm@10 --loglevel=error >/dev/null
fi
pnpm install --frozen-lockfile --reporter=silent
