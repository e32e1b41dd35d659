#!/usr/bin/env bash
# The forecasting bench: every model of `ihpa backtest --list-models` (which includes `auto`
# when it is registered) against two reference implementations, statsmodels Holt-Winters
# (bench/reference/holt_winters.py) and R forecast::stlf (bench/reference/stlf.R), on the BT1
# traces. Every method writes BT1 forecast files + timings.csv; all are scored by the C++
# scorer (`ihpa backtest --score-only`) and summarised in one Markdown table.
#
# Usage: bench/forecast.sh [--quick] [TRACES_DIR]
#   TRACES_DIR  default: ../shared/data/traces relative to the repository root
#   --quick     every 10th BT1 origin only (a smoke run of a few minutes; not the BT1 score)
# Environment: IHPA_BINARY (default build/cli/ihpa), IHPA_BENCH_OUT (default out/forecast-bench),
#   PYTHON (an interpreter with statsmodels; default: the first of python3, /usr/bin/python3
#   that has it — Debian's python3-statsmodels installs into the system interpreter).
# The references are slow (minutes per trace set); they run side by side, one core each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
every=1
traces=$root/../shared/data/traces
for arg in "$@"; do
    case $arg in
    --quick) every=10 ;;
    -h | --help)
        sed -n '2,17p' "$0"
        exit 0
        ;;
    *) traces=$arg ;;
    esac
done
traces=$(cd "$traces" && pwd)
ihpa=${IHPA_BINARY:-$root/build/cli/ihpa}
out=${IHPA_BENCH_OUT:-$root/out/forecast-bench}
if [[ ! -x $ihpa ]]; then
    echo "forecast.sh: $ihpa not found; build the ihpa target or set IHPA_BINARY" >&2
    exit 1
fi
python=${PYTHON:-}
if [[ -z $python ]]; then
    for candidate in python3 /usr/bin/python3; do
        if "$candidate" -c 'import statsmodels' 2>/dev/null; then
            python=$candidate
            break
        fi
    done
fi
if [[ -z $python ]]; then
    echo "forecast.sh: no python3 with statsmodels; run scripts/install-deps.sh" >&2
    exit 1
fi
if ! Rscript -e 'suppressPackageStartupMessages(library(forecast))' 2>/dev/null; then
    echo "forecast.sh: R package forecast missing; run scripts/install-deps.sh" >&2
    exit 1
fi
rm -rf "$out"
mkdir -p "$out"
echo "forecast.sh: traces $traces, every $every origin(s), output in $out"

# 1. ihpa's own models, each using all cores.
mapfile -t models < <("$ihpa" backtest --list-models)
echo "forecast.sh: registered models: ${models[*]}"
for model in "${models[@]}"; do
    status=0
    "$ihpa" backtest --traces "$traces" --out "$out/ihpa-$model" --model "$model" \
        --every "$every" >"$out/ihpa-$model.log" 2>&1 || status=$?
    echo "forecast.sh: ihpa $model done (status $status)"
done

# 2. The references, side by side (one core each).
"$python" "$root/bench/reference/holt_winters.py" --traces "$traces" --out "$out/holt-winters" \
    --every "$every" >"$out/holt-winters.log" 2>&1 &
hw_pid=$!
Rscript "$root/bench/reference/stlf.R" "$traces" "$out/stlf" "$every" >"$out/stlf.log" 2>&1 &
stlf_pid=$!
wait "$hw_pid" || echo "forecast.sh: holt_winters.py failed, see $out/holt-winters.log" >&2
wait "$stlf_pid" || echo "forecast.sh: stlf.R failed, see $out/stlf.log" >&2

# 3. Score everything with the C++ scorer (status 2 = some invalid trace: still tabulated).
table_args=()
score() {
    local label=$1 dir=$2 status=0
    "$ihpa" backtest --score-only --traces "$traces" --forecasts "$dir" --every "$every" \
        --json "$dir.scores.json" >"$dir.scores.txt" 2>&1 || status=$?
    if ((status > 2)) || [[ ! -f $dir.scores.json ]]; then
        echo "forecast.sh: scoring $label failed, see $dir.scores.txt" >&2
        return
    fi
    table_args+=("$label=$dir.scores.json")
}
for model in "${models[@]}"; do
    score "ihpa $model" "$out/ihpa-$model"
done
score "holtWinters (statsmodels)" "$out/holt-winters"
score "stlf (R forecast)" "$out/stlf"

echo
if ((every > 1)); then
    echo "(quick run: every ${every}th BT1 origin only; not the BT1 score)"
fi
"$python" "$root/bench/reference/compare_table.py" "${table_args[@]}" | tee "$out/table.md"
