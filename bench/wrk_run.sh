# Sourced by the benchmark scripts: runs wrk and reads its figures.
# The caller defines die(), $tmp (a scratch folder) and, optionally, the array load_cpu (a
# command prefix such as `taskset -c 1` that places wrk).

# to_ms LATENCY: wrk's latency such as 812.00us, 1.23ms, 2.01s → milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.3f", n }'
}

# wrk_run LABEL URL CONNECTIONS DURATION [EXTRA...] → prints "rps p50_ms p99_ms errors" (two wrk
# threads, one for a single connection);
# errors are socket errors (connect+read+write+timeout) and non-2xx responses.
wrk_run() {
    local label=$1 url=$2 conns=$3 dur=$4 out
    shift 4
    out=$tmp/wrk-$label.txt
    ${load_cpu[@]+"${load_cpu[@]}"} wrk -t"$((conns < 2 ? conns : 2))" -c"$conns" -d"$dur" --latency "$@" "$url" >"$out" 2>&1 || {
        cat "$out" >&2
        die "wrk failed ($label)"
    }
    wrk_figures "$out" "$label"
}

# wrk_figures FILE LABEL: the figures of wrk's --latency output in FILE → "rps p50_ms p99_ms errors".
wrk_figures() {
    local out=$1 label=$2 rps p50 p99 errors
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    errors=$(awk '/Socket errors:/ {gsub(/,/, ""); s += $4 + $6 + $8 + $10}
                  /Non-2xx/ {s += $NF} END {print s + 0}' "$out")
    [[ -n $rps && -n $p50 && -n $p99 ]] || { cat "$out" >&2; die "cannot parse wrk output ($label)"; }
    echo "$rps $(to_ms "$p50") $(to_ms "$p99") $errors"
}
