#!/usr/bin/env bash
# The controller bench: `ihpa serve --kubeconfig` (Release build) against the real control plane
# of ../shared/k8s (etcd + kube-apiserver + kube-controller-manager v1.26.1, started here on free
# ports and stopped at the end), driven by bench/controller_load (Kubernetes API client):
#   latency    N IHPAs created one after the other: time from the create call to the HPA
#              ihpa-<name> appearing (watched), and to the first ihpa-forecast answer through the
#              aggregator (kube-apiserver -> APIService -> ihpa serve); median, p90, max
#   bulk       B IHPAs (default 1,000) created back to back: time until every HPA exists,
#              reconcile throughput, the ihpa process's RSS (VmRSS, VmHWM of /proc/<pid>/status)
#              before, right after and 30 s after, and its reconcile and write counters
#   recovery   kube-apiserver alone is stopped (SIGTERM) and started again with the same flags
#              and state; from the moment its /readyz says ok, the time until an IHPA created then
#              gets its HPA (the controller's watches and Lease renewals must come back first)
# Every IHPA scales the Deployment `web` of namespace `bench` on the External metric
# demo_requests of the built-in demo configuration (the replayed trace; a replay source
# backfills its history, so a forecast exists within seconds), forecast 5 minutes ahead from a
# 6-hour history at 10 s steps (the demo's own forecast settings).
#
# Usage: bench/controller.sh [--count 20] [--bulk 1000] [--ihpa PATH] [--driver PATH]
#   --count   IHPAs of the latency run (default 20)
#   --bulk    IHPAs of the bulk run (default 1000)
#   --ihpa    the ihpa binary; --driver the controller_load binary; default: both built in
#             Release into build-release/ (-DIHPA_BUILD_BENCH=ON)
# Needs the control plane folder ($IHPA_K8S_DIR, default ../shared/k8s beside the repository),
# etcd, kubectl, openssl, xz, curl and python3 (free ports).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
count=20
bulk=1000
ihpa=""
driver=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --count) count=${2:?--count needs a value}; shift 2 ;;
    --bulk) bulk=${2:?--bulk needs a value}; shift 2 ;;
    --ihpa) ihpa=${2:?--ihpa needs a value}; shift 2 ;;
    --driver) driver=${2:?--driver needs a value}; shift 2 ;;
    -h | --help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "controller.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { echo "controller.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# --- 1. Tools and binaries ------------------------------------------------------------------------
k8s=${IHPA_K8S_DIR:-$root/../shared/k8s}
[[ -x $k8s/k8s-up.sh ]] || die "no control plane scripts in $k8s (set IHPA_K8S_DIR)"
for tool in etcd kubectl openssl xz curl python3; do
    command -v "$tool" >/dev/null 2>&1 || die "missing $tool (scripts/install-deps.sh installs it)"
done
if [[ -z $ihpa || -z $driver ]]; then
    say "building ihpa and controller_load (Release) in build-release/"
    cmake -S "$root" -B "$root/build-release" -DCMAKE_BUILD_TYPE=Release -DIHPA_BUILD_TESTS=OFF \
        -DIHPA_BUILD_BENCH=ON >/dev/null
    cmake --build "$root/build-release" --target ihpa controller_load -j2 >/dev/null
    ihpa=${ihpa:-$root/build-release/cli/ihpa}
    driver=${driver:-$root/build-release/bench/controller_load}
fi
[[ -x $ihpa ]] || die "$ihpa is not an executable"
[[ -x $driver ]] || die "$driver is not an executable"

# --- 2. Scratch directory, clean-up of exactly what we start ---------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ihpa-controller-bench.XXXXXX")
export K8S_STATE=$tmp/k8s
ihpa_pid=""
cleanup() {
    if [[ -n $ihpa_pid ]] && kill -0 "$ihpa_pid" 2>/dev/null; then
        kill -TERM "$ihpa_pid" 2>/dev/null || true
        wait "$ihpa_pid" 2>/dev/null || true
    fi
    "$k8s/k8s-down.sh" --purge >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# --- 3. Control plane, CRD, the scale target ------------------------------------------------------
K8S_API_PORT=$(free_port) ETCD_CLIENT_PORT=$(free_port) ETCD_PEER_PORT=$(free_port) \
    K8S_KCM_PORT=$(free_port) "$k8s/k8s-up.sh" >/dev/null 2>"$tmp/k8s-up.log" ||
    { cat "$tmp/k8s-up.log" >&2; die "k8s-up.sh failed"; }
export KUBECONFIG=$K8S_STATE/admin.kubeconfig
kubectl apply -f "$root/manifests/crd/ihpa.dev_intelligenthorizontalpodautoscalers.yaml" >/dev/null
kubectl wait --for=condition=Established --timeout=60s crd/intelligenthorizontalpodautoscalers.ihpa.dev >/dev/null
kubectl create namespace bench >/dev/null
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: bench}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.invalid/web:1, resources: {requests: {cpu: 200m}}}]}
YAML
cat >"$tmp/ihpa.json" <<'JSON'
{"apiVersion": "ihpa.dev/v1beta1", "kind": "IntelligentHorizontalPodAutoscaler",
 "metadata": {"name": "prototype"},
 "spec": {"template": {"spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 1, "maxReplicas": 20,
            "metrics": [{"type": "External", "external": {
              "metric": {"name": "demo_requests", "selector": {"matchLabels": {"app": "demo"}}},
              "target": {"type": "AverageValue", "averageValue": "100"}}}]}},
          "forecast": {"leadTime": "5m", "history": "6h", "step": "10s"},
          "metrics": [{"key": "demo_requests", "source": {"replay": {}}}]}}
JSON

# --- 4. ihpa serve with its controller, behind the aggregator ---------------------------------------
port=$(free_port)
"$ihpa" serve --kubeconfig "$KUBECONFIG" --bind-address 127.0.0.1 --secure-port "$port" \
    --requestheader-client-ca-file "$K8S_STATE/pki/front-proxy-ca.crt" \
    --requestheader-allowed-names front-proxy-client >"$tmp/ihpa.log" 2>&1 &
ihpa_pid=$!
deadline=$(($(date +%s) + 60))
until grep -q "ready: " "$tmp/ihpa.log"; do
    kill -0 "$ihpa_pid" 2>/dev/null || { cat "$tmp/ihpa.log" >&2; die "ihpa serve exited"; }
    (($(date +%s) < deadline)) || die "ihpa serve not ready after 60 s"
    sleep 0.2
done
"$k8s/k8s-register-apiservice.sh" "$port" >/dev/null
rss() { awk -v key="$1:" '$1 == key {print $2 / 1024}' "/proc/$ihpa_pid/status"; }
metric() {
    curl -sk --cert "$K8S_STATE/pki/front-proxy-client.crt" --key "$K8S_STATE/pki/front-proxy-client.key" \
        -H "X-Remote-User: bench" -H "X-Remote-Group: system:masters" "https://127.0.0.1:$port/metrics" |
        awk -v name="$1" 'index($0, name) == 1 {sum += $NF} END {print sum + 0}'
}
load() { "$driver" "$1" --kubeconfig "$KUBECONFIG" --namespace bench --ihpa "$tmp/ihpa.json" "${@:2}"; }
value() { awk -v name="$1" '$1 == name {print $2}' "$tmp/$2"; }

# --- 5. Latency -------------------------------------------------------------------------------------
say "latency: $count IHPAs one after the other"
load latency --prefix lat- --count "$count" --metric-key demo_requests | tee "$tmp/latency.txt" >&2
rss_before=$(rss VmRSS)

# --- 6. Bulk ----------------------------------------------------------------------------------------
say "bulk: $bulk IHPAs back to back"
load bulk --prefix bulk- --count "$bulk" | tee "$tmp/bulk.txt" >&2
rss_after=$(rss VmRSS)
sleep 30 # the forecasts' first fits and the status writes of $bulk IHPAs settle
rss_later=$(rss VmRSS)
hwm=$(rss VmHWM)
reconciles=$(metric 'ihpa_controller_reconciles_total{result="success"}')
failures=$(metric 'ihpa_controller_reconciles_total{result="error"}')
writes=$(metric ihpa_controller_writes_total)
hpas=$(kubectl get hpa -n bench --no-headers | wc -l)

# --- 7. Watch recovery after an apiserver restart ---------------------------------------------------
say "recovery: restarting kube-apiserver"
api_pid=$(cat "$K8S_STATE/kube-apiserver.pid")
mapfile -d '' api_args <"/proc/$api_pid/cmdline"
kill -TERM "$api_pid"
while kill -0 "$api_pid" 2>/dev/null; do sleep 0.1; done
setsid "${api_args[@]}" >>"$K8S_STATE/logs/kube-apiserver.log" 2>&1 </dev/null &
echo $! >"$K8S_STATE/kube-apiserver.pid" # so that k8s-down.sh stops the new one
until [[ $(kubectl --request-timeout=2s get --raw /readyz 2>/dev/null) == ok ]]; do sleep 0.05; done
ready=$(now_ms)
load latency --prefix after-restart- --count 1 | tee "$tmp/recovery.txt" >&2
started_gap=$(($(now_ms) - ready)) # the whole step, driver start-up included
recovery=$(value to_hpa_max recovery.txt)

# --- 8. The figures ---------------------------------------------------------------------------------
cat <<EOF

| figure | value |
|---|---|
| IHPA create -> HPA present, median / p90 / max ($count IHPAs) | $(value to_hpa_median latency.txt) / $(value to_hpa_p90 latency.txt) / $(value to_hpa_max latency.txt) ms |
| IHPA create -> first forecast through the aggregator, median / p90 / max | $(value to_forecast_median latency.txt) / $(value to_forecast_p90 latency.txt) / $(value to_forecast_max latency.txt) ms |
| $bulk IHPAs: created in / all HPAs present after | $(value created bulk.txt) s / $(value all_hpas bulk.txt) s |
| reconcile throughput ($bulk IHPAs, create to last HPA) | $(value throughput bulk.txt) IHPA/s |
| HPAs in the namespace afterwards | $hpas |
| ihpa RSS: $count IHPAs / $bulk more, at once / 30 s later / peak (VmHWM) | $rss_before / $rss_after / $rss_later / $hwm MiB |
| reconcile rounds (success / error), API writes, whole run | $reconciles / $failures, $writes |
| apiserver ready again -> new IHPA's HPA present (create to HPA; whole step) | $recovery ms; $started_gap ms |
EOF
