#!/usr/bin/env bash
# Builds ihpa with AddressSanitizer + UndefinedBehaviorSanitizer and runs the whole test suite,
# then the fuzz targets' smoke runs, and checks that the optimised binary builds.
# Usage: scripts/test.sh [ctest arguments...]   (build folder: build-sanitize, or $IHPA_BUILD_DIR)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --test
build=${IHPA_BUILD_DIR:-$root/build-sanitize}
release=${IHPA_RELEASE_BUILD_DIR:-$root/build-release}
# -O1 -g1: sanitizer builds compile much faster than at -O2 -g and keep line numbers in reports.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIHPA_SANITIZE=ON \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1"

# The fuzz targets (Clang) and the optimised binary (what scripts/run-demo.sh, the image and the
# benchmarks build; -O2 turns on warnings the sanitizer build does not see) build in the
# background at the lowest priority, on the CPU the sanitizer build and the tests leave idle.
# Its own session (setsid), so that a failing test run stops it with all its compilers.
background_log=$(mktemp)
setsid nice -n 19 bash -c '
    set -euo pipefail
    "$1/scripts/fuzz.sh" --build-only
    cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DIHPA_BUILD_TESTS=OFF >/dev/null
    cmake --build "$2" --parallel "$(nproc)" --target ihpa
    echo "background builds: ok"' _ "$root" "$release" >"$background_log" 2>&1 &
background=$!
trap 'kill -- "-$background" 2>/dev/null || true' EXIT

cmake --build "$build" --parallel "$(nproc)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd "$build" && ctest --output-on-failure --timeout 600 "$@")

if ! wait "$background"; then
    cat "$background_log"
    echo "test.sh: the fuzz or the optimised build failed (above)" >&2
    exit 1
fi
trap - EXIT
tail -n 1 "$background_log"
# Every fuzz target on its checked-in corpus, then briefly mutated with a fixed seed
# (fuzz/README.md): a parser that crashes on a known input, or on one those mutations reach,
# fails the run.
"$root/scripts/fuzz.sh" --smoke
"$release/cli/ihpa" version
