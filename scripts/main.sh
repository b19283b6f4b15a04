#!/usr/bin/env bash
# The main command of the README: set-up, build, then run the example transcripts
# against the embedded server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
pnpm build --output-logs=errors-only >/dev/null
exec pnpm --silent smtp run examples --reporter pretty
