#!/usr/bin/env python3
"""Malformed requests for bench/bad_input.sh, each on its own connection to 127.0.0.1:PORT.

  bad_input.py PORT CA_FILE COUNT [STALLED]

Sends COUNT requests spread over the kinds below (round robin, 8 at a time), plus STALLED
requests that stop half-way and wait for the server to close (its request timeout), and prints one
line per kind: `kind sent answered_4xx answered_5xx other_status closed hung codes max_seconds`.
`closed` = the server closed (or reset) the connection without an answer; `hung` = neither an
answer nor a close within 60 s. Exit status 0 always: the shell script judges the figures.
"""
import collections
import concurrent.futures
import socket
import ssl
import sys
import threading
import time

GV = "/apis/external.metrics.k8s.io/v1beta1"
METRIC = GV + "/namespaces/default/demo_requests"
WAIT = 60.0


def req(line, headers=(), body=b""):
    head = line + "\r\nHost: localhost\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n"
    return head.encode("latin-1") + body


# kind → list of (description, payload); a payload is bytes sent after the TLS handshake, or a
# callable (sock, ctx) doing something else (bad TLS, truncation).
def tls_junk(data):
    def run(port, ctx):
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            return read_until_close(s)
    return run


def old_tls(port, ctx):
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.check_hostname = False
    old.verify_mode = ssl.CERT_NONE
    old.set_ciphers("DEFAULT:@SECLEVEL=0")
    old.minimum_version = ssl.TLSVersion.TLSv1
    old.maximum_version = ssl.TLSVersion.TLSv1_1
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as raw:
        try:
            with old.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(req("GET " + METRIC + " HTTP/1.1"))
                return read_response(s)
        except (ssl.SSLError, OSError):
            return ("closed", None)


def truncated_body(port, ctx):
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(req("POST " + METRIC + " HTTP/1.1", ["Content-Length: 100"], b"0123456789"))
            try:
                s = s.unwrap()  # close_notify: the body ends early
            except (ssl.SSLError, OSError):
                return ("closed", None)
            return read_until_close(s)


def stalled(port, ctx):
    """Half a request line, then silence: the server's request timeout must close it."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(b"GET /apis HTTP/1.1\r\nHost: loc")
            return read_response(s)


KINDS = {
    "bad path": [
        req("GET " + GV + "/namespaces/default/no_such_metric HTTP/1.1"),
        req("GET /apis/../../etc/passwd HTTP/1.1"),
        req("GET /apis/%zz%00 HTTP/1.1"),
        req("GET " + GV + "/namespaces//demo_requests HTTP/1.1"),
        req("GET " + GV + "/namespaces/default/demo_requests/extra/parts HTTP/1.1"),
        req("GET " + "/a" * 4000 + " HTTP/1.1"),
        req("GET * HTTP/1.1"),
        req("GET http://evil.example/apis HTTP/1.1"),
    ],
    "bad selector": [
        req("GET " + METRIC + "?labelSelector=app%3D%3D%3D HTTP/1.1"),
        req("GET " + METRIC + "?labelSelector=%ff%fe HTTP/1.1"),
        req("GET " + METRIC + "?labelSelector=app+in+(a,b HTTP/1.1"),
        req("GET " + METRIC + "?labelSelector=" + "a%3Db," * 3000 + " HTTP/1.1"),
        req("GET " + METRIC + "?labelSelector=%3D%3D HTTP/1.1"),
        req("GET " + METRIC + "?labelSelector=app%3E3 HTTP/1.1"),
    ],
    "bad method": [
        req("POST " + METRIC + " HTTP/1.1", ["Content-Length: 2"], b"{}"),
        req("PUT " + METRIC + " HTTP/1.1", ["Content-Length: 0"]),
        req("DELETE " + METRIC + " HTTP/1.1"),
        req("PATCH /apis HTTP/1.1", ["Content-Length: 0"]),
        req("BREW /apis HTTP/1.1"),
        req("CONNECT localhost:443 HTTP/1.1"),
        req("get /apis HTTP/1.1"),
    ],
    "bad headers": [
        req("GET /apis HTTP/1.1", ["No-Colon-Header"]),
        req("GET /apis HTTP/1.1", ["X-Big: " + "z" * 80000]),
        req("GET /apis HTTP/1.1", ["X-H%d: v" % i for i in range(8000)]),
        req("GET /apis HTTP/1.1", ["X-Nul: a\x00b"]),
        req("GET /apis HTTP/1.1", ["Content-Length: 5", "Content-Length: 6"], b"12345"),
        req("GET /apis HTTP/1.1", ["Content-Length: -5"]),
        req("GET /apis HTTP/1.1", ["Transfer-Encoding: gzip, chunked, identity"]),
        req("GET /apis HTTP/1.1", ["Transfer-Encoding: gzip"], b"GET /healthz HTTP/1.1\r\n\r\n"),
        req("POST /apis HTTP/1.1", ["Content-Length: 3", "Transfer-Encoding: chunked"], b"0\r\n\r\n"),
        req("GET " + METRIC + " HTTP/1.1", ["Accept: text/html"]),
    ],
    "oversized body": [
        req("POST " + METRIC + " HTTP/1.1", ["Content-Length: 1000000"]),
        req("POST " + METRIC + " HTTP/1.1", ["Content-Length: 99999999999999999999"]),
        req("POST " + METRIC + " HTTP/1.1", ["Transfer-Encoding: chunked"],
            b"".join(b"4000\r\n" + b"x" * 0x4000 + b"\r\n" for _ in range(6)) + b"0\r\n\r\n"),
        req("POST " + METRIC + " HTTP/1.1", ["Content-Length: 70000"], b"y" * 70000),
    ],
    "truncated body": [
        truncated_body,
        req("POST " + METRIC + " HTTP/1.1", ["Transfer-Encoding: chunked"], b"zz\r\n"),
        req("POST " + METRIC + " HTTP/1.1", ["Transfer-Encoding: chunked"], b"5\r\nab\r\n0\r\n\r\n"),
    ],
    "bad HTTP": [
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"\x00\x01\x02\x03\r\n\r\n",
        b"GET /apis HTTP/1.1\r\n" + b"\n" * 200,
        b"GET /apis/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ],
    "bad TLS": [
        tls_junk(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        tls_junk(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
        tls_junk(b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"),
        tls_junk(bytes(range(256)) * 4),
        tls_junk(b"\x80\x2e\x01\x00\x02\x00\x15\x00\x00\x00\x10" + b"\x00" * 37),  # SSLv2 hello
        old_tls,
    ],
}


def read_until_close(s):
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ssl.SSLError, OSError):
        pass
    if data.startswith(b"HTTP/"):
        return ("answered", int(data.split(b" ", 2)[1]))
    return ("closed", None)


def read_response(s):
    """The status of the first response, or closed/hung."""
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        return ("hung", None)
    except (ssl.SSLError, OSError):
        pass
    if data.startswith(b"HTTP/"):
        return ("answered", int(data.split(b" ", 2)[1]))
    return ("closed", None)


def send(port, ctx, payload):
    start = time.monotonic()
    try:
        if callable(payload):
            outcome = payload(port, ctx)
        else:
            with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as raw:
                with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                    try:
                        s.sendall(payload)
                    except (ssl.SSLError, OSError):
                        pass  # the server may answer and close before reading it all
                    outcome = read_response(s)
    except socket.timeout:
        outcome = ("hung", None)
    except (ssl.SSLError, OSError):
        outcome = ("closed", None)
    return outcome + (time.monotonic() - start,)


def main():
    port, ca, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    n_stalled = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    ctx = ssl.create_default_context(cafile=ca)
    jobs = []
    per_kind = collections.Counter()
    for i in range(count):
        # round robin over kinds, then over each kind's payloads
        kind = list(KINDS)[i % len(KINDS)]
        p = KINDS[kind][per_kind[kind] % len(KINDS[kind])]
        per_kind[kind] += 1
        jobs.append((kind, p))
    jobs += [("stalled request", stalled)] * n_stalled
    results = collections.defaultdict(list)
    lock = threading.Lock()

    def run(job):
        kind, payload = job
        r = send(port, ctx, payload)
        with lock:
            results[kind].append(r)

    with concurrent.futures.ThreadPoolExecutor(max_workers=8 + n_stalled) as pool:
        list(pool.map(run, jobs))
    for kind in list(KINDS) + (["stalled request"] if n_stalled else []):
        rs = results[kind]
        codes = collections.Counter(code for what, code, _ in rs if what == "answered")
        c4 = sum(n for c, n in codes.items() if 400 <= c < 500)
        c5 = sum(n for c, n in codes.items() if c >= 500)
        other = sum(n for c, n in codes.items() if c < 400)
        closed = sum(1 for what, _, _ in rs if what == "closed")
        hung = sum(1 for what, _, _ in rs if what == "hung")
        code_text = ",".join(f"{c}x{n}" for c, n in sorted(codes.items())) or "-"
        print(kind.replace(" ", "_"), len(rs), c4, c5, other, closed, hung, code_text,
              f"{max(t for _, _, t in rs):.2f}")


if __name__ == "__main__":
    main()
