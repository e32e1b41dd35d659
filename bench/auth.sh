#!/usr/bin/env bash
# The delegated-auth bench: what authentication and authorization by the cluster cost on the
# request path. `ihpa serve` (Release, built-in demo) is measured three ways one after the other in
# one run, with the same wrk load (a metric read, keep-alive, -t2):
#   off    no cluster credentials: anonymous, no review (the figure bench/serve.sh compares to nginx)
#   warm   --kubeconfig (the real control plane of ../shared/k8s, started here on free ports): each
#          request carries a service-account bearer token; TokenReview and SubjectAccessReview
#          answers are cached (default TTLs, 10 s), so nearly every request is decided from the caches
#   miss   the same with every TTL at 0s: each request waits for a TokenReview and a
#          SubjectAccessReview round trip to kube-apiserver (concurrent identical reviews still
#          share one call)
# at -c16 (throughput) and -c1 (the latency of one request alone: for `miss`, the cost of a cache
# miss). It prints a Markdown table: req/s, p50, p99 and the reviews sent during the measurement
# (from /metrics, read with the same token: in `miss` that read adds one review of each kind).
#
# Usage: bench/auth.sh [--duration 10s] [--ihpa PATH]
#   --duration  wrk duration of each measurement (default 10s)
#   --ihpa      ihpa binary to measure; default: build it in Release into build-release/
# Needs the control plane folder ($IHPA_K8S_DIR, default ../shared/k8s beside the repository),
# etcd, kubectl, openssl, xz, curl, wrk and python3 (scripts/install-deps.sh installs them).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
duration=10s
ihpa=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --duration) duration=${2:?--duration needs a value}; shift 2 ;;
    --ihpa) ihpa=${2:?--ihpa needs a value}; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "auth.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { echo "auth.sh: $*" >&2; }
die() { say "$*"; exit 1; }

k8s=${IHPA_K8S_DIR:-$root/../shared/k8s}
[[ -x $k8s/k8s-up.sh ]] || die "no control plane scripts in $k8s (set IHPA_K8S_DIR)"
for tool in etcd kubectl openssl xz curl wrk python3; do
    command -v "$tool" >/dev/null 2>&1 || die "missing $tool (scripts/install-deps.sh installs it)"
done
if [[ -z $ihpa ]]; then
    say "building ihpa (Release) in build-release/"
    cmake -S "$root" -B "$root/build-release" -DCMAKE_BUILD_TYPE=Release -DIHPA_BUILD_TESTS=OFF >/dev/null
    cmake --build "$root/build-release" --target ihpa -j2 >/dev/null
    ihpa=$root/build-release/cli/ihpa
fi
[[ -x $ihpa ]] || die "$ihpa is not an executable"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ihpa-auth-bench.XXXXXX")
export K8S_STATE=$tmp/k8s
ihpa_pid=""
stop_ihpa() {
    if [[ -n $ihpa_pid ]] && kill -0 "$ihpa_pid" 2>/dev/null; then
        kill -TERM "$ihpa_pid" 2>/dev/null || true
        wait "$ihpa_pid" 2>/dev/null || true
    fi
    ihpa_pid=""
}
cleanup() {
    stop_ihpa
    "$k8s/k8s-down.sh" --purge >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
. "$root/bench/wrk_run.sh"

# --- The control plane, a reader service account and its right to read the demo metric -----------
K8S_API_PORT=$(free_port) ETCD_CLIENT_PORT=$(free_port) ETCD_PEER_PORT=$(free_port) \
    K8S_KCM_PORT=$(free_port) "$k8s/k8s-up.sh" >/dev/null 2>"$tmp/k8s-up.log" ||
    { cat "$tmp/k8s-up.log" >&2; die "k8s-up.sh failed"; }
export KUBECONFIG=$K8S_STATE/admin.kubeconfig
kubectl apply -f "$root/test/fixtures/auth/demo-reader.yaml" >/dev/null
token=$(kubectl create token reader -n default --duration=1h)
path=/apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests

# start_ihpa EXTRA_FLAGS... : ihpa serve on a free port, until ready; sets port and ihpa_pid
start_ihpa() {
    port=$(free_port)
    # Cluster credentials only where --kubeconfig is passed: not from the exported KUBECONFIG.
    env -u KUBECONFIG "$ihpa" serve --bind-address 127.0.0.1 --secure-port "$port" --controller=false "$@" \
        >"$tmp/ihpa.log" 2>&1 &
    ihpa_pid=$!
    local deadline=$(($(date +%s) + 60))
    until grep -q "ready: " "$tmp/ihpa.log"; do
        kill -0 "$ihpa_pid" 2>/dev/null || { cat "$tmp/ihpa.log" >&2; die "ihpa serve exited"; }
        (($(date +%s) < deadline)) || die "ihpa serve not ready after 60 s"
        sleep 0.2
    done
}
# reviews FAMILY: its value on /metrics (0 when absent)
reviews() {
    curl -sk -H "Authorization: Bearer $token" "https://127.0.0.1:$port/metrics" |
        awk -v name="$1" '$1 == name {print $2; found = 1} END {if (!found) print 0}'
}

rows=()
measure() { # measure MODE [ihpa flags...]
    local mode=$1 status
    shift
    start_ihpa "$@"
    status=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "https://127.0.0.1:$port$path")
    [[ $status == 200 ]] || { cat "$tmp/ihpa.log" >&2; die "$mode: the metric read answered $status"; }
    wrk_run "warm-$mode" "https://127.0.0.1:$port$path" 16 2s -H "Authorization: Bearer $token" >/dev/null
    for conns in 16 1; do
        local before_sar before_tr line after_sar after_tr
        before_sar=$(reviews ihpa_authorization_reviews_total)
        before_tr=$(reviews ihpa_authentication_token_reviews_total)
        line=$(wrk_run "$mode-$conns" "https://127.0.0.1:$port$path" "$conns" "$duration" \
            -H "Authorization: Bearer $token")
        after_sar=$(reviews ihpa_authorization_reviews_total)
        after_tr=$(reviews ihpa_authentication_token_reviews_total)
        read -r rps p50 p99 errors <<<"$line"
        rows+=("| $mode | $conns | $rps | $p50 | $p99 | $errors | $((after_tr - before_tr)) | $((after_sar - before_sar)) |")
        say "$mode -c$conns: $line"
    done
    stop_ihpa
}

measure off
measure warm --kubeconfig "$KUBECONFIG"
measure miss --kubeconfig "$KUBECONFIG" --authentication-token-webhook-cache-ttl 0s \
    --authorization-webhook-cache-authorized-ttl 0s --authorization-webhook-cache-unauthorized-ttl 0s

echo "wrk -t2 -d$duration --latency, keep-alive, GET $path with a bearer token; $(nproc) cores shared by wrk, ihpa and kube-apiserver"
echo
echo "| auth | conns | req/s | p50 ms | p99 ms | errors | TokenReviews | SubjectAccessReviews |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
