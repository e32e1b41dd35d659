#!/usr/bin/env python3
"""The changing data behind bench/outage.sh, as functions of wall-clock time only, so a recording
of a past interval and the live value agree.

  outage_peers.py exporter PORT         serve `bench_load <value>` on http://127.0.0.1:PORT/metrics
                                        (what Prometheus scrapes)
  outage_peers.py history FROM TO STEP PORT
                                        print bench_load from unix second FROM to TO every STEP
                                        seconds as OpenMetrics (for promtool tsdb create-blocks-from),
                                        labelled as Prometheus labels the exporter's on PORT
  outage_peers.py feeder PORT           keep the Redis list `bench:queue` on 127.0.0.1:PORT at
                                        queue_length(now) elements, once a second, reconnecting
                                        while Redis is down
"""
import http.server
import math
import socket
import sys
import time


def load(t):
    """The scraped gauge: a 30-minute cycle with a 5-minute ripple."""
    return 100 + 40 * math.sin(2 * math.pi * t / 1800) + 10 * math.sin(2 * math.pi * t / 300)


def queue_length(t):
    """The Redis queue depth: a 15-minute cycle."""
    return round(50 + 30 * math.sin(2 * math.pi * t / 900))


def exporter(port):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"# TYPE bench_load gauge\nbench_load {load(time.time()):.6f}\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()


def history(start, end, step, port):
    print("# TYPE bench_load gauge")
    labels = f'{{instance="127.0.0.1:{port}",job="bench"}}'
    for t in range(start, end + 1, step):
        print(f"bench_load{labels} {load(t):.6f} {t}")
    print("# EOF")


def resp(*args):
    out = f"*{len(args)}\r\n"
    for a in args:
        out += f"${len(a)}\r\n{a}\r\n"
    return out.encode()


def feeder(port):
    conn = None
    while True:
        try:
            if conn is None:
                conn = socket.create_connection(("127.0.0.1", port), timeout=2)
            n = queue_length(time.time())
            # Replace the list in one transaction: DEL, then n elements (none when n is 0).
            commands = [resp("MULTI"), resp("DEL", "bench:queue")]
            if n > 0:
                commands.append(resp("RPUSH", "bench:queue", *["job"] * n))
            commands.append(resp("EXEC"))
            conn.sendall(b"".join(commands))
            conn.recv(65536)
        except OSError:
            if conn is not None:
                conn.close()
            conn = None
        time.sleep(1)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "exporter":
        exporter(int(sys.argv[2]))
    elif command == "history":
        history(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif command == "feeder":
        feeder(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
