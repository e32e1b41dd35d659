"""BT1 protocol pieces shared by the Python reference forecasters (see the eval PROTOCOL.md)."""
import csv
import math
import os

HORIZONS = (1, 3, 6, 12)
HMAX = max(HORIZONS)


def origins_for(n, every=1):
    """The BT1 origins of a trace of n points; with every > 1 only every every-th of them."""
    test_start = math.floor(0.8 * n)
    stride = max(1, math.ceil((n - HMAX - test_start + 1) / 200))
    return list(range(test_start - 1, n - HMAX, stride))[::every]


def read_trace(path):
    """(timestamps, values) of a trace file `timestamp,value`."""
    with open(path, newline="") as f:
        rows = [row for row in csv.reader(f) if row][1:]
    return [int(float(r[0])) for r in rows], [float(r[1]) for r in rows]


def trace_names(traces_dir):
    return sorted(f[:-4] for f in os.listdir(traces_dir) if f.endswith(".csv"))


def write_forecasts(path, rows):
    """rows: (origin, horizon, yhat, lower, upper); floats written with repr (round-trip)."""
    with open(path, "w") as f:
        f.write("origin,horizon,yhat,lower,upper\n")
        for o, h, yhat, lo, up in rows:
            f.write(f"{o},{h},{float(yhat)!r},{float(lo)!r},{float(up)!r}\n")


def write_timings(path, timings):
    """timings: name -> (seconds, origins, note)."""
    with open(path, "w") as f:
        f.write("trace,seconds,origins,note\n")
        for name, (seconds, origins, note) in sorted(timings.items()):
            f.write(f"{name},{seconds!r},{origins},{note}\n")
