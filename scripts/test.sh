#!/usr/bin/env bash
# The test command of the README and of CI: set-up, then lint, typecheck, build and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
exec pnpm test:all
