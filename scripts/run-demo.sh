#!/usr/bin/env bash
# Installs the build dependencies, builds ihpa (release) and runs `ihpa serve` on its built-in
# demo: HTTPS on port 8443 (self-signed certificate), no cluster and no Prometheus needed.
# Extra arguments go to `ihpa serve`, e.g. scripts/run-demo.sh --secure-port 9443 --v=2
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --build-only
build=${IHPA_BUILD_DIR:-$root/build-release}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DIHPA_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target ihpa
exec "$build/cli/ihpa" serve "$@"
