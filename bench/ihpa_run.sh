# Sourced by the fault and load benches (soak, outage, bad_input, slow_clients) once they have
# set $root (the repository) and $bench (the script's name): say/die, a scratch folder $tmp
# removed at exit with every process the script started (and only those), the ihpa binary, free
# ports, starting `ihpa serve`, paced wrk runs (bench/wrk_run.sh, bench/paced.lua), and reading
# the server's /metrics and memory.

say() { echo "$bench.sh: $*" >&2; }
die() { say "$*"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ihpa-$bench.XXXXXX")
cleanup() { stop_all; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$root/bench/wrk_run.sh"

# ensure_ihpa PATH_OR_EMPTY → prints the binary to use: PATH, or a Release build in build-release/.
ensure_ihpa() {
    local ihpa=$1
    if [[ -z $ihpa ]]; then
        echo "building ihpa (Release) in build-release/" >&2
        cmake -S "$root" -B "$root/build-release" -DCMAKE_BUILD_TYPE=Release -DIHPA_BUILD_TESTS=OFF >/dev/null
        cmake --build "$root/build-release" --target ihpa -j2 >/dev/null
        ihpa=$root/build-release/cli/ihpa
    fi
    [[ -x $ihpa ]] || die "$ihpa is not an executable"
    echo "$ihpa"
}

# need_tools TOOL... : dies naming the missing ones.
need_tools() {
    local missing=() tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    ((${#missing[@]} == 0)) || die "missing ${missing[*]}; run scripts/install-deps.sh"
}

# python: Debian's python3 when present (a version manager's shim can take seconds to start).
python=$(command -v /usr/bin/python3 || command -v python3 || true)

# free_port → a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
    "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A process started by this script is recorded with track_pid; stop_all stops those, and only those.
started_pids=()
track_pid() { started_pids+=("$1"); }

# stop_pid PID: SIGTERM, up to 10 s to exit, then SIGKILL.
stop_pid() {
    local pid=$1
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

stop_all() {
    local pid
    for pid in ${started_pids[@]+"${started_pids[@]}"}; do
        stop_pid "$pid"
    done
    started_pids=()
}

# start_serve LOG FLAGS... : `ihpa serve` on 127.0.0.1 and a free port, with the certificates of
# $tmp/certs (made on first use), until it logs that it is ready. Sets ihpa_pid and port.
start_serve() {
    local log=$1
    shift
    [[ -f $tmp/certs/serving.crt ]] || "$root/certs/make-certs.sh" "$tmp/certs" >/dev/null
    port=$(free_port)
    "$ihpa" serve --bind-address 127.0.0.1 --secure-port "$port" --tls-cert-file "$tmp/certs/serving.crt" \
        --tls-private-key-file "$tmp/certs/serving.key" "$@" >"$log" 2>&1 &
    ihpa_pid=$!
    track_pid "$ihpa_pid"
    local deadline=$(($(date +%s) + 120))
    until grep -q "ready: " "$log"; do
        kill -0 "$ihpa_pid" 2>/dev/null || { cat "$log" >&2; die "ihpa serve exited at start"; }
        (($(date +%s) < deadline)) || { tail -20 "$log" >&2; die "ihpa serve not ready after 120 s"; }
        sleep 0.2
    done
}

# fetch PATH → the body of GET https://127.0.0.1:$port PATH (verified against the test CA).
fetch() {
    curl -sS --max-time 10 --cacert "$tmp/certs/serving-ca.crt" --resolve "localhost:$port:127.0.0.1" \
        "https://localhost:$port$1"
}

# status_of PATH → the HTTP status of GET PATH (000 when there is no answer).
status_of() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$tmp/certs/serving-ca.crt" \
        --resolve "localhost:$port:127.0.0.1" "https://localhost:$port$1" || true
}

# metric FAMILY [LABEL_SUBSTRING] → the first value of that family on /metrics whose labels
# contain the substring (empty when absent). awk reads to the end: an early exit would fail curl.
metric() {
    fetch /metrics | awk -v name="$1" -v labels="${2:-}" '
        { split($1, parts, "{") }
        !found && parts[1] == name && index($1, labels) > 0 { print $2; found = 1 }'
}

# rss_mib PID → VmRSS in MiB (one decimal).
rss_mib() { awk '$1 == "VmRSS:" {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# pace RATE: paced.lua's schedule for RATE requests per second in total over wrk's two threads.
pace() { export PACE_INTERVAL_US=$((1000000 * 2 / $1)); }

# wrk_start LABEL URL: paced wrk (-t2 -c10) in the background until wrk_stop LABEL, which sets
# $figures to what wrk_run prints (call it in this shell, not in $(...): it waits for wrk).
wrk_start() {
    wrk -t2 -c10 -d3600s --latency -s "$root/bench/paced.lua" "$2" >"$tmp/wrk-$1.txt" 2>&1 &
    wrk_pid=$!
    track_pid "$wrk_pid"
}
wrk_stop() {
    kill -INT "$wrk_pid" # wrk prints its figures on SIGINT
    wait "$wrk_pid" || true
    figures=$(wrk_figures "$tmp/wrk-$1.txt" "$1")
}
