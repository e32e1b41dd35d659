#!/usr/bin/env bash
# The serving bench: wrk against `ihpa serve` and against nginx serving the very same JSON bytes
# with the same certificate (ECDSA P-256 from certs/make-certs.sh), the same TLS versions
# (1.2 + 1.3) and cipher list, the same number of threads/workers, both on 127.0.0.1. For each
# scenario the two servers are measured one after the other in the same run (the order flips
# from one scenario to the next):
#   keep-alive   wrk -t2 -c16  and -t2 -c256, --latency       (requests per second, p50, p99)
#   new TLS      the same with -H 'Connection: close': every request opens a new TCP + TLS
#                connection, so req/s = full handshakes per second (no session resumption)
# It prints a Markdown table: req/s of each, ratio ihpa/nginx, p50/p99 of each. With --runs N
# every cell is the median over N runs (the per-run figures are printed too).
#
# Usage: bench/serve.sh [--duration 10s] [--runs 1] [--threads 2] [--pin] [--ihpa PATH]
#   --duration  wrk duration of each measurement (default 10s)
#   --runs      repetitions of the whole set; the table shows the median (default 1)
#   --threads   ihpa --threads and nginx worker_processes (default 2)
#   --pin       both servers on CPU 0 and wrk on CPU 1 (use with --threads 1): the load
#               generator no longer competes with the server measured
#   --ihpa      ihpa binary to measure; default: build it in Release into build-release/
# Needs wrk, nginx (nginx-light), openssl and curl (scripts/install-deps.sh installs them).
# Without --pin, wrk, nginx and ihpa share the machine's cores: the figures compare the two
# servers under the same load generator, they are not absolute capacities.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
duration=10s
runs=1
threads=2
pin=0
ihpa=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --duration) duration=${2:?--duration needs a value}; shift 2 ;;
    --runs) runs=${2:?--runs needs a value}; shift 2 ;;
    --threads) threads=${2:?--threads needs a value}; shift 2 ;;
    --pin) pin=1; shift ;;
    --ihpa) ihpa=${2:?--ihpa needs a value}; shift 2 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "serve.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { echo "serve.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# --- 1. Tools -------------------------------------------------------------------------------------
PATH=$PATH:/usr/sbin:/sbin # nginx lives in /usr/sbin, which is not on every user's PATH
missing=()
for tool in wrk nginx openssl curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
    die "missing ${missing[*]}; run scripts/install-deps.sh (or apt-get install wrk nginx-light openssl curl)"
fi

server_cpu=() load_cpu=()
if ((pin)); then
    command -v taskset >/dev/null 2>&1 || die "--pin needs taskset (util-linux)"
    server_cpu=(taskset -c 0) load_cpu=(taskset -c 1)
fi

# --- 2. The ihpa binary ---------------------------------------------------------------------------
if [[ -z $ihpa ]]; then
    say "building ihpa (Release) in build-release/"
    cmake -S "$root" -B "$root/build-release" -DCMAKE_BUILD_TYPE=Release -DIHPA_BUILD_TESTS=OFF \
        >/dev/null
    cmake --build "$root/build-release" --target ihpa -j2 >/dev/null
    ihpa=$root/build-release/cli/ihpa
fi
[[ -x $ihpa ]] || die "$ihpa is not an executable"

# --- 3. Scratch directory, clean-up of exactly what we start ---------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ihpa-serve-bench.XXXXXX")
ihpa_pid=""
nginx_pid=""
cleanup() {
    local pid
    for pid in $ihpa_pid $nginx_pid; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$root/certs/make-certs.sh" "$tmp/certs" >/dev/null
cert=$tmp/certs/serving.crt
key=$tmp/certs/serving.key
ca=$tmp/certs/serving-ca.crt

# A port nothing listens on right now (nginx fails loudly below if it is taken in between).
free_port() {
    local port
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# --- 4. ihpa --------------------------------------------------------------------------------------
metric_path=/apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests
ihpa_port=$(free_port) || die "no free port"
"${server_cpu[@]}" "$ihpa" serve --bind-address 127.0.0.1 --secure-port "$ihpa_port" --tls-cert-file "$cert" \
    --tls-private-key-file "$key" --threads "$threads" 2>"$tmp/ihpa.log" &
ihpa_pid=$!
for _ in $(seq 100); do
    grep -q "listening on 127.0.0.1:$ihpa_port" "$tmp/ihpa.log" && break
    kill -0 "$ihpa_pid" 2>/dev/null || break
    sleep 0.1
done
if ! grep -q "listening on 127.0.0.1:$ihpa_port" "$tmp/ihpa.log"; then
    cat "$tmp/ihpa.log" >&2
    die "ihpa serve did not start"
fi
ihpa_url=https://127.0.0.1:$ihpa_port$metric_path

# --- 5. The same bytes for nginx -------------------------------------------------------------------
# ihpa's demo value moves with time, so the body differs from request to request; what must match
# is its length (and the headers' shape), which the file fetched here has.
www=$tmp/www
mkdir -p "$www$(dirname "$metric_path")"
body=$www$metric_path
curl -sS --fail --cacert "$ca" --resolve "localhost:$ihpa_port:127.0.0.1" \
    "https://localhost:$ihpa_port$metric_path" -o "$body" || die "GET $ihpa_url failed"
body_bytes=$(wc -c <"$body")
# nginx workers may run as another user (when started by root): let them read the document root.
chmod 755 "$tmp"
chmod -R a+rX "$www"

nginx_port=$(free_port) || die "no free port"
mkdir -p "$tmp/nginx/logs"
cat >"$tmp/nginx/nginx.conf" <<EOF
# $threads worker processes = ihpa --threads $threads.
worker_processes $threads;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events {
    worker_connections 4096;
}
http {
    access_log off;
    types {}
    default_type application/json;
    server_tokens off;
    etag off;
    # ihpa serves from memory; do not make nginx stat/open the file for every request.
    open_file_cache max=16 inactive=60s;
    open_file_cache_valid 60s;
    keepalive_requests 1000000000;
    keepalive_timeout 300s;
    client_body_temp_path $tmp/nginx/client_body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    # Same protocols and TLS 1.2 cipher list as ihpa (TLS 1.3 suites: OpenSSL's default in both).
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $cert;
        ssl_certificate_key $key;
        root $www;
        location / {
            # The two headers ihpa adds, so both responses are about the same size.
            add_header Cache-Control "no-cache, private";
            add_header X-Content-Type-Options nosniff;
        }
    }
}
EOF
"${server_cpu[@]}" nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" 2>"$tmp/nginx.stderr" &
nginx_pid=$!
nginx_url=https://127.0.0.1:$nginx_port$metric_path
for _ in $(seq 100); do
    curl -s -o /dev/null --cacert "$ca" --resolve "localhost:$nginx_port:127.0.0.1" \
        "https://localhost:$nginx_port$metric_path" && break
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
done
if ! curl -sS --fail -o /dev/null --cacert "$ca" --resolve "localhost:$nginx_port:127.0.0.1" \
    "https://localhost:$nginx_port$metric_path"; then
    cat "$tmp/nginx.stderr" "$tmp/nginx/logs/error.log" >&2 2>/dev/null || true
    die "nginx did not start"
fi

# Response sizes as a client sees them (headers + body), to show the two are comparable.
sizes() { curl -s -o /dev/null --cacert "$ca" -w '%{size_header}+%{size_download}' \
    --resolve "localhost:$1:127.0.0.1" "https://localhost:$1$metric_path"; }
ihpa_sizes=$(sizes "$ihpa_port")
nginx_sizes=$(sizes "$nginx_port")
[[ ${ihpa_sizes#*+} == "$body_bytes" && ${nginx_sizes#*+} == "$body_bytes" ]] ||
    die "body sizes differ: ihpa $ihpa_sizes, nginx $nginx_sizes (header+body bytes)"
say "ihpa pid $ihpa_pid on :$ihpa_port, nginx pid $nginx_pid on :$nginx_port, $threads threads/workers"
say "response bytes (header+body): ihpa $ihpa_sizes, nginx $nginx_sizes"

# --- 6. Measurements --------------------------------------------------------------------------------
. "$root/bench/wrk_run.sh"

scenarios=("keep-alive 16" "keep-alive 256" "new-tls 16" "new-tls 256")
results=$tmp/results.tsv # run scenario connections server rps p50 p99 errors
: >"$results"

say "warm-up (2 s each)"
wrk_run warm-ihpa "$ihpa_url" 16 2s >/dev/null
wrk_run warm-nginx "$nginx_url" 16 2s >/dev/null

for run in $(seq "$runs"); do
    i=0
    for scenario in "${scenarios[@]}"; do
        read -r mode conns <<<"$scenario"
        extra=()
        [[ $mode == new-tls ]] && extra=(-H "Connection: close")
        # Alternate which server goes first, so neither always runs on a warmer/cooler machine.
        order=(ihpa nginx)
        (((i + run) % 2 == 1)) && order=(nginx ihpa)
        for server in "${order[@]}"; do
            url=$ihpa_url
            [[ $server == nginx ]] && url=$nginx_url
            kill -0 "$ihpa_pid" 2>/dev/null || die "ihpa exited during the bench; see its log above"
            kill -0 "$nginx_pid" 2>/dev/null || die "nginx exited during the bench"
            line=$(wrk_run "$server-$mode-$conns" "$url" "$conns" "$duration" ${extra[@]+"${extra[@]}"})
            read -r rps p50 p99 errors <<<"$line"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$mode" "$conns" "$server" \
                "$rps" "$p50" "$p99" "$errors" >>"$results"
            say "run $run/$runs $mode c=$conns $server: $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $errors"
        done
        i=$((i + 1))
    done
done

# --- 7. The table (medians over the runs) ------------------------------------------------------------
cores=$(nproc)
echo
placement="wrk, ihpa and nginx share the same $cores cores."
((pin)) && placement="ihpa and nginx pinned to CPU 0, wrk to CPU 1."
echo "wrk -t2 -d$duration --latency, $runs run(s) (median shown), ihpa --threads $threads vs nginx" \
    "worker_processes $threads; $placement"
echo "Body $body_bytes bytes; response header+body bytes: ihpa $ihpa_sizes, nginx $nginx_sizes."
echo
echo "| scenario | connections | ihpa req/s | nginx req/s | ihpa/nginx | ihpa p50 ms | ihpa p99 ms | nginx p50 ms | nginx p99 ms | errors ihpa/nginx |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for scenario in "${scenarios[@]}"; do
    read -r mode conns <<<"$scenario"
    declare -A m=()
    for server in ihpa nginx; do
        for col in 5 6 7 8; do
            m[$server$col]=$(awk -F'\t' -v s="$server" -v md="$mode" -v c="$conns" -v k="$col" \
                '$2 == md && $3 == c && $4 == s {print $k}' "$results" | median)
        done
    done
    ratio=$(awk -v a="${m[ihpa5]}" -v b="${m[nginx5]}" 'BEGIN {if (b > 0) printf "%.0f %%", 100 * a / b; else print "n/a"}')
    label="keep-alive"
    [[ $mode == new-tls ]] && label="new TLS connection per request"
    printf '| %s | %s | %.0f | %.0f | %s | %.2f | %.2f | %.2f | %.2f | %s/%s |\n' "$label" "$conns" \
        "${m[ihpa5]}" "${m[nginx5]}" "$ratio" "${m[ihpa6]}" "${m[ihpa7]}" "${m[nginx6]}" \
        "${m[nginx7]}" "${m[ihpa8]}" "${m[nginx8]}"
    unset m
done
echo
echo "Targets: keep-alive req/s >= 80 % of nginx; ihpa p99 <= 2 ms at 16 connections (keep-alive)."
echo "In the new-TLS rows req/s = full TLS handshakes per second; wrk's latency there excludes the handshake."
