#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with Clang (folder build-fuzz, or $IHPA_FUZZ_BUILD_DIR)
# and runs them; prints one line per target: executions, exec/s, wall time, corpus, coverage,
# crashes. See fuzz/README.md.
# Usage: scripts/fuzz.sh [--build-only | --smoke | --runs N | --max-total-time S] [--parallel P]
#                        [target...]
#   (--runs and --max-total-time together: a campaign that stops at whichever comes first)
#   --smoke             each target replays its checked-in corpus (left unchanged), then mutates
#                       it for $IHPA_FUZZ_SMOKE_RUNS executions (20000) with a fixed seed, so the
#                       same code gives the same run (at most $IHPA_FUZZ_SMOKE_SECONDS, 60, each);
#                       what CI runs (the default)
#   --build-only        builds the targets and runs none
#   --runs N            a campaign: N executions per target
#   --max-total-time S  a campaign: S seconds per target
#   --parallel P        targets run P at a time (default 1), each under `nice -n 10`
#   target...           e.g. label_selector router (default: every target)
# A campaign's corpus grows in build-fuzz/corpus/<target> (seeded from fuzz/corpus/<target>);
# crashing inputs are saved as build-fuzz/crashes/<target>/crash-<sha1> (replacing those of the
# previous run) and fail the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${IHPA_FUZZ_BUILD_DIR:-$root/build-fuzz}
compiler=${IHPA_FUZZ_CXX:-clang++-19}

mode=smoke
runs=""
seconds=""
parallel=1
targets=()
while (($# > 0)); do
    case "$1" in
        --smoke) mode=smoke ;;
        --build-only) mode=build ;;
        --runs) mode=campaign; runs=$2; shift ;;
        --max-total-time) mode=campaign; seconds=$2; shift ;;
        --parallel) parallel=$2; shift ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1") ;;
    esac
    shift
done

launcher=()
if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# -O1 -g1 as the sanitizer build: fast to compile, line numbers in reports.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIHPA_FUZZ=ON \
    -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    "${launcher[@]}" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
[[ $mode == build ]] && exit 0

if ((${#targets[@]} == 0)); then
    for source in "$root"/fuzz/*_fuzzer.cpp; do
        name=$(basename "$source" _fuzzer.cpp)
        targets+=("$name")
    done
fi

# A campaign records no allocation stacks: on the allocation-heavy targets (yaml-cpp builds a
# node per scalar) saving them cost most of the time, and config ran 6x slower for it. A crash
# it saves is rerun alone with the full reports (fuzz/README.md, "A crash").
if [[ $mode == campaign ]]; then
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:malloc_context_size=0}
else
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
fi
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_target NAME: one fuzzing run; writes its log and a result line to $build/fuzz-logs/.
run_target() {
    local name=$1 seeds=$root/fuzz/corpus/$1 corpus crashes log flags=()
    crashes=$build/crashes/$name
    log=$build/fuzz-logs/$name.log
    rm -rf "$crashes" # what a previous run saved is replaced
    mkdir -p "$crashes"
    if [[ $mode == smoke ]]; then
        corpus=$(mktemp -d) # new inputs go here, the checked-in corpus stays as it is
        # A fixed seed and count: a failure is the code's, reproducible, never the luck of a run.
        flags+=(-seed=1 -runs="${IHPA_FUZZ_SMOKE_RUNS:-20000}"
                -max_total_time="${IHPA_FUZZ_SMOKE_SECONDS:-60}")
    else
        corpus=$build/corpus/$name
        mkdir -p "$corpus"
        [[ -n $runs ]] && flags+=(-runs="$runs")
        [[ -n $seconds ]] && flags+=(-max_total_time="$seconds")
    fi
    [[ -f $root/fuzz/$name.dict ]] && flags+=(-dict="$root/fuzz/$name.dict")
    local started status=0
    started=$(date +%s)
    nice -n 10 "$build/fuzz/${name}_fuzzer" "${flags[@]}" -timeout=60 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
    local wall executed rate cov files
    wall=$(($(date +%s) - started))
    executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    files=$(find "$corpus" -type f | wc -l)
    [[ $mode == smoke ]] && rm -rf "$corpus"
    local found
    found=$(find "$crashes" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \
        -o -name 'leak-*' \) | wc -l) # not slow-unit-*: slow on a busy machine is not a failure
    ((status != 0 && found == 0)) && found=1 # a failure that saved no input still counts
    printf '%-20s %12s %9s %9s %8s %6s %8s\n' "$name" "${executed:-?}" "${rate:-?}" "$wall" \
        "$files" "${cov:-?}" "$found" >"$build/fuzz-logs/$name.result"
}

rm -rf "$build/fuzz-logs"
mkdir -p "$build/fuzz-logs"
running=0
for name in "${targets[@]}"; do
    [[ -x $build/fuzz/${name}_fuzzer ]] || { echo "fuzz.sh: no target $name" >&2; exit 2; }
    run_target "$name" &
    running=$((running + 1))
    if ((running >= parallel)); then
        wait -n
        running=$((running - 1))
    fi
done
wait

printf '%-20s %12s %9s %9s %8s %6s %8s\n' target executions exec/s wall-s corpus cov crashes
failed=0
for name in "${targets[@]}"; do
    cat "$build/fuzz-logs/$name.result"
    if [[ $(awk '{print $NF}' "$build/fuzz-logs/$name.result") != 0 ]]; then
        failed=1
        echo "fuzz.sh: $name crashed; log: $build/fuzz-logs/$name.log, inputs: $build/crashes/$name/" >&2
    fi
done
exit "$failed"
