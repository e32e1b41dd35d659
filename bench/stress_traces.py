#!/usr/bin/env python3
"""Writes the stress traces: synthetic series built to be hard to beat by repeating the last value.

Usage: bench/stress_traces.py OUT_DIR

Each trace is four weeks at 5-minute steps (8,064 points, the length of the longest BT1 traces),
as `timestamp,value` CSV files that `ihpa backtest --traces OUT_DIR` reads like the BT1 traces.
Every trace has its own fixed seed, so the files are the same on every run. The kinds:

- random_walk_shifts: a Gaussian random walk with a level shift of +-20..60 % about once a day;
  no cycle. Nothing beats the last value in expectation.
- flat_spikes: a flat level with small noise, isolated spikes (1 % of points, 2-5x the level,
  one to three steps long) and a level shift every few days.
- trend_breaks: a piecewise linear trend whose slope changes every one to four days, with noise.
- heavy_tail_walk: a random walk with Student-t (3 degrees of freedom) steps; no cycle.
- daily_with_shifts: a daily cycle whose level jumps by x0.6..1.6 every two to five days, with
  noise: a cycle the models can use, and breaks they must get over.
- noisy_flat: white noise around a constant; the mean beats the last value by far.
"""

import math
import os
import random
import sys

STEP = 300
POINTS = 8064
START = 1_700_000_000
DAY = 86400 // STEP


def random_walk_shifts(rng):
    level, out = 100.0, []
    for _ in range(POINTS):
        level += rng.gauss(0.0, 1.0)
        if rng.random() < 1.0 / DAY:
            level *= 1.0 + rng.choice((-1, 1)) * rng.uniform(0.2, 0.6)
        level = max(level, 5.0)
        out.append(level)
    return out


def flat_spikes(rng):
    level, out, spike_left, spike = 50.0, [], 0, 1.0
    for _ in range(POINTS):
        if rng.random() < 1.0 / (3 * DAY):
            level *= rng.uniform(0.6, 1.6)
        if spike_left == 0 and rng.random() < 0.01:
            spike_left, spike = rng.randint(1, 3), rng.uniform(2.0, 5.0)
        factor = spike if spike_left > 0 else 1.0
        spike_left = max(spike_left - 1, 0)
        out.append(level * factor + rng.gauss(0.0, 0.5))
    return out


def trend_breaks(rng):
    value, slope, until, out = 200.0, 0.0, 0, []
    for t in range(POINTS):
        if t >= until:
            slope = rng.uniform(-0.08, 0.08)
            until = t + rng.randint(DAY, 4 * DAY)
        value = max(value + slope, 10.0)
        out.append(value + rng.gauss(0.0, 1.5))
    return out


def heavy_tail_walk(rng):
    level, out = 100.0, []
    for _ in range(POINTS):
        chi2 = sum(rng.gauss(0.0, 1.0) ** 2 for _ in range(3))
        level = max(level + rng.gauss(0.0, 1.0) / math.sqrt(chi2 / 3.0), 5.0)
        out.append(level)
    return out


def daily_with_shifts(rng):
    level, until, out = 100.0, 0, []
    for t in range(POINTS):
        if t >= until:
            level *= rng.uniform(0.6, 1.6)
            until = t + rng.randint(2 * DAY, 5 * DAY)
        cycle = 1.0 + 0.4 * math.sin(2.0 * math.pi * t / DAY)
        out.append(level * cycle + rng.gauss(0.0, 3.0))
    return out


def noisy_flat(rng):
    return [100.0 + rng.gauss(0.0, 10.0) for _ in range(POINTS)]


KINDS = [random_walk_shifts, flat_spikes, trend_breaks, heavy_tail_walk, daily_with_shifts,
         noisy_flat]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: stress_traces.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for seed, kind in enumerate(KINDS, start=1):
        values = kind(random.Random(seed))
        path = os.path.join(out_dir, kind.__name__ + ".csv")
        with open(path, "w") as f:
            f.write("timestamp,value\n")
            for i, v in enumerate(values):
                f.write(f"{START + i * STEP},{v:.6f}\n")


if __name__ == "__main__":
    main()
