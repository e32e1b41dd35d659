#!/usr/bin/env bash
# Builds ihpa with AddressSanitizer + UndefinedBehaviorSanitizer and runs the whole test suite.
# Usage: scripts/test.sh [ctest arguments...]   (build folder: build-sanitize, or $IHPA_BUILD_DIR)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --test
build=${IHPA_BUILD_DIR:-$root/build-sanitize}
# -O1 -g1: sanitizer builds compile much faster than at -O2 -g and keep line numbers in reports.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIHPA_SANITIZE=ON \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1"
cmake --build "$build" --parallel "$(nproc)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd "$build" && ctest --output-on-failure --timeout 600 "$@")
# Every fuzz target a few seconds on its checked-in corpus (fuzz/README.md): a parser that
# crashes on a known input, or on one found in seconds, fails the run.
"$root/scripts/fuzz.sh" --smoke
# The optimised binary (what scripts/run-demo.sh, the image and the benchmarks build) must build
# too: -O2 turns on warnings the sanitizer build does not see.
release=${IHPA_RELEASE_BUILD_DIR:-$root/build-release}
cmake -S "$root" -B "$release" -DCMAKE_BUILD_TYPE=Release -DIHPA_BUILD_TESTS=OFF >/dev/null
cmake --build "$release" --parallel "$(nproc)" --target ihpa
"$release/cli/ihpa" version
