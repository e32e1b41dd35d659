#!/usr/bin/env bash
# The HTTP client bench: net/'s libcurl client sending sequential GETs over TLS to one local
# nginx (1 worker, certificate from certs/make-certs.sh, 127.0.0.1, ephemeral port) serving one
# JSON file. Two scenarios:
#   keep-alive      one client for all requests (one connection)
#   new-connection  a new client per request (TCP + full TLS handshake every time)
# Each run prints req/s, p50 and p99 latency; with RUNS=N the table holds the median of N runs.
# (The Boost.Beast client it was once compared with is gone: docs/benchmarks.md has those figures.)
#
# Usage: [REQUESTS=20000] [RUNS=3] [SIZE=4096] bench/net/http_client.sh
# Needs nginx (nginx-light), openssl, curl; builds bench/net in Release into build-release/.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
requests=${REQUESTS:-20000}
runs=${RUNS:-3}
size=${SIZE:-4096}
[[ ${1:-} == -h || ${1:-} == --help ]] && { sed -n '2,11p' "$0"; exit 0; }
[[ $# -eq 0 ]] || { echo "http_client.sh: no arguments; set REQUESTS, RUNS, SIZE (see --help)" >&2; exit 2; }
say() { echo "http_client.sh: $*" >&2; }
die() { say "$*"; exit 1; }
PATH=$PATH:/usr/sbin:/sbin
for tool in nginx openssl curl; do
    command -v "$tool" >/dev/null 2>&1 || die "missing $tool; run scripts/install-deps.sh"
done

say "building http_client_bench (Release) in build-release/"
cmake -S "$root" -B "$root/build-release" -DCMAKE_BUILD_TYPE=Release -DIHPA_BUILD_TESTS=OFF \
    -DIHPA_BUILD_BENCH=ON >/dev/null
cmake --build "$root/build-release" --target http_client_bench -j2 >/dev/null
bench=$root/build-release/bench/net/http_client_bench

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ihpa-http-bench.XXXXXX")
nginx_pid=""
cleanup() {
    if [[ -n $nginx_pid ]] && kill -0 "$nginx_pid" 2>/dev/null; then
        kill -TERM "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

"$root/certs/make-certs.sh" "$tmp/certs" >/dev/null
mkdir -p "$tmp/www" "$tmp/nginx/logs"
head -c "$size" /dev/zero | tr '\0' 'x' | sed 's/^/{"pad":"/; s/$/"}/' >"$tmp/www/doc.json"
chmod 755 "$tmp"
chmod -R a+rX "$tmp/www"

port=""
for _ in $(seq 50); do
    candidate=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[[ -n $port ]] || die "no free port"
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $tmp/nginx/nginx.pid; error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off; default_type application/json; open_file_cache max=16 inactive=60s;
    keepalive_requests 1000000000; keepalive_timeout 300s; ssl_protocols TLSv1.2 TLSv1.3;
    client_body_temp_path $tmp/nginx/body; proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fcgi; uwsgi_temp_path $tmp/nginx/uwsgi; scgi_temp_path $tmp/nginx/scgi;
    server {
        listen 127.0.0.1:$port ssl; root $tmp/www;
        ssl_certificate $tmp/certs/serving.crt; ssl_certificate_key $tmp/certs/serving.key;
    }
}
CONF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" 2>"$tmp/nginx.stderr" &
nginx_pid=$!
url=https://localhost:$port/doc.json
for _ in $(seq 100); do
    curl -s -o /dev/null --cacert "$tmp/certs/serving-ca.crt" "$url" && break
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
done
curl -sS --fail -o /dev/null --cacert "$tmp/certs/serving-ca.crt" "$url" || die "nginx did not start"

results=$tmp/results
for ((run = 1; run <= runs; run++)); do
    for mode in keep-alive new-connection; do
        n=$requests
        arg=""
        [[ $mode == new-connection ]] && { n=$((requests / 10)); arg=fresh; }
        line=$("$bench" curl "$url" "$tmp/certs/serving-ca.crt" "$n" $arg)
        say "run $run: $line"
        echo "$line" >>"$results"
    done
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| client | scenario | requests | req/s | p50 µs | p99 µs |"
echo "|---|---|---:|---:|---:|---:|"
for mode in keep-alive new-connection; do
    for client in curl; do
        rows=$(awk -v c="$client" -v m="$mode" '$1 == c && $2 == m' "$results")
        n=$(echo "$rows" | awk 'NR==1 {print $3}')
        rps=$(echo "$rows" | awk '{print $5}' | median)
        p50=$(echo "$rows" | awk '{print $6}' | median)
        p99=$(echo "$rows" | awk '{print $7}' | median)
        echo "| $client | $mode | $n | $rps | $p50 | $p99 |"
    done
done
