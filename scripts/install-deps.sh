#!/usr/bin/env bash
# Installs the Debian packages ihpa needs. Idempotent: packages already present are left alone,
# so a second run costs one dpkg query per package.
# Usage: scripts/install-deps.sh [--build-only | --test]
#   --build-only  what building the `ihpa` binary needs
#   --test        that, plus the real peers the test suite starts
#   (no flag)     everything, including the benchmark peers and references
set -euo pipefail

build_packages=(
    build-essential cmake pkg-config git ca-certificates
    libboost-dev libboost-system-dev libssl-dev openssl
    libeigen3-dev nlohmann-json3-dev libcli11-dev libyaml-cpp-dev libhiredis-dev
    libgtest-dev libgmock-dev libbenchmark-dev libxml2-dev libcurl4-openssl-dev libre2-dev
    libhowardhinnant-date-dev tzdata
)
# Real peers the integration and end-to-end tests start on 127.0.0.1, and their tools; Clang with
# libFuzzer for the fuzz targets' short runs (scripts/fuzz.sh --smoke); a browser that renders the
# debug view's chart, and libpng to read its screenshot.
test_packages=(
    curl xz-utils python3 libxml2-utils etcd-server prometheus redis-server
    clang-19 libfuzzer-19-dev libclang-rt-19-dev
    chromium libpng-dev
)
# Benchmark peers and forecasting references.
bench_packages=(
    nginx-light wrk bc python3-statsmodels r-cran-forecast
)
# kubectl is not in every Debian mirror; it is installed when the configured repositories have it.
optional_packages=(kubectl)

wanted=("${build_packages[@]}")
case "${1:-}" in
    --build-only) ;;
    --test) wanted+=("${test_packages[@]}") ;;
    "") wanted+=("${test_packages[@]}" "${bench_packages[@]}") ;;
    *) echo "install-deps: unknown argument $1 (use --build-only or --test)" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
    sudo_cmd=(sudo)
fi

if ((${#missing[@]} > 0)); then
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[[ "${1:-}" == "--build-only" ]] && optional_packages=()
for pkg in "${optional_packages[@]}"; do
    if ! command -v "$pkg" >/dev/null 2>&1; then
        if apt-cache show "$pkg" >/dev/null 2>&1; then
            "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$pkg" ||
                echo "install-deps: optional package $pkg could not be installed; tests that need it skip"
        else
            echo "install-deps: optional package $pkg is not available; tests that need it skip"
        fi
    fi
done

# The Debian packages enable and start system services; tests start their own instances on
# ephemeral ports, so the system-wide ones are stopped where a service manager runs.
if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    for svc in prometheus redis-server etcd nginx; do
        "${sudo_cmd[@]}" systemctl stop "$svc" >/dev/null 2>&1 || true
    done
fi
echo "install-deps: ok"
