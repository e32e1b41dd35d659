#!/usr/bin/env bash
# Makes the certificates ihpa needs, into OUT_DIR (created if missing):
#   serving-ca.{crt,key}          CA of the serving certificate (put in the APIService caBundle)
#   serving.{crt,key}             serving certificate for localhost, 127.0.0.1, ::1 and
#                                 <service>.<namespace>.svc (what the aggregator verifies)
#   front-proxy-ca.{crt,key}      request-header client CA (--requestheader-client-ca-file)
#   front-proxy-client.{crt,key}  client certificate CN=front-proxy-client, clientAuth
# With --test it also makes certificates that must be rejected, for tests:
#   other-client.{crt,key}        CN=other-client, signed by front-proxy-ca (not an allowed name)
#   server-only.{crt,key}         CN=front-proxy-client, signed by front-proxy-ca, serverAuth only
#   rogue-ca.{crt,key}, rogue-client.{crt,key}   CN=front-proxy-client from an unrelated CA
#   client-ca.{crt,key}           CA of direct clients (--client-ca-file)
#   alice.{crt,key}               CN=alice, O=team-a, O=ops, clientAuth, signed by client-ca
#
# Usage: certs/make-certs.sh OUT_DIR [--service NAME] [--namespace NS] [--days N] [--test]
set -euo pipefail

usage() { sed -n '2,17p' "$0" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
out=$1; shift
service=ihpa; namespace=ihpa-system; days=365; test_certs=false
while [[ $# -gt 0 ]]; do
    case $1 in
        --service) service=${2:?--service needs a value}; shift 2 ;;
        --namespace) namespace=${2:?--namespace needs a value}; shift 2 ;;
        --days) days=${2:?--days needs a value}; shift 2 ;;
        --test) test_certs=true; shift ;;
        *) echo "make-certs.sh: unknown argument $1" >&2; usage ;;
    esac
done
command -v openssl >/dev/null || { echo "make-certs.sh: openssl is not installed" >&2; exit 1; }
mkdir -p "$out"
cd "$out"

# ca NAME CN
ca() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
        -subj "/CN=$2" -keyout "$1.key" -out "$1.crt" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        2>/dev/null
}

# leaf NAME CA CN EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]   (CN may be a whole subject: /O=.../CN=...)
leaf() {
    local ext
    ext=$(mktemp)
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        echo "extendedKeyUsage=$4"
        [[ -n "${5:-}" ]] && echo "subjectAltName=$5"
    } >"$ext"
    local subject="/CN=$3"
    [[ $3 == /* ]] && subject=$3
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$subject" \
        -keyout "$1.key" -out "$1.csr" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -days "$days" \
        -extfile "$ext" -out "$1.crt" 2>/dev/null
    rm -f "$1.csr" "$ext"
}

svc="$service.$namespace.svc"
ca serving-ca "ihpa-serving-ca"
leaf serving serving-ca "$svc" serverAuth \
    "DNS:localhost,IP:127.0.0.1,IP:::1,DNS:$service,DNS:$service.$namespace,DNS:$svc,DNS:$svc.cluster.local"
ca front-proxy-ca "ihpa-front-proxy-ca"
leaf front-proxy-client front-proxy-ca front-proxy-client clientAuth

if $test_certs; then
    leaf other-client front-proxy-ca other-client clientAuth
    leaf server-only front-proxy-ca front-proxy-client serverAuth
    ca rogue-ca "rogue-ca"
    leaf rogue-client rogue-ca front-proxy-client clientAuth
    ca client-ca "ihpa-test-client-ca"
    leaf alice client-ca "/O=team-a/O=ops/CN=alice" clientAuth
fi
chmod 600 ./*.key
echo "make-certs.sh: certificates written to $(pwd)"
