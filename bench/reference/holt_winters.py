#!/usr/bin/env python3
"""Reference forecaster for the BT1 bench: statsmodels Holt-Winters.

Model: additive damped trend + additive seasonality with the daily period (86400 s / step:
288 points at 5 minutes, 48 at 30 minutes; no seasonality when the history at the first
origin holds fewer than two periods), heuristic initialisation, fitted by statsmodels'
least squares (`ExponentialSmoothing(...).fit()`).

At each origin o the model sees points 0..o only. The smoothing parameters are re-estimated
at every `--refit`-th origin (default 25: about 8 estimations per trace) and, in between,
kept from the last estimation and run over the longer history (`fit(..., optimized=False)`);
a full estimation at each of ~200 origins costs 2-3 s on 8,000 points, which would make the
bench take hours.

Bands: the 10 % and 90 % quantiles of 500 simulated paths (`simulate(error="add",
random_errors="bootstrap")`: the in-sample one-step residuals resampled), seeded with the
origin index, so runs are reproducible. When statsmodels fails or returns non-finite values
the origin falls back to the naive forecast (value at the origin, zero-width band); the count
goes to the `note` column of timings.csv.

Usage: holt_winters.py --traces DIR --out DIR [--every K] [--refit R]
"""
import argparse
import math
import os
import sys
import time
import warnings

import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bt1  # noqa: E402

PARAMS = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend")


def model(history, period):
    return ExponentialSmoothing(history, trend="add", damped_trend=True,
                                seasonal="add" if period else None,
                                seasonal_periods=period, initialization_method="heuristic")


def forecast_origin(history, period, params, seed, repetitions):
    """(fitted params, [(yhat, lower, upper)] for h = 1..12)."""
    if params is None:
        fit = model(history, period).fit()
        params = {k: fit.params[k] for k in PARAMS
                  if k in fit.params and fit.params[k] == fit.params[k]}  # NaN: not in the model
    else:
        fit = model(history, period).fit(optimized=False, **params)
    mean = np.asarray(fit.forecast(bt1.HMAX))
    paths = np.asarray(fit.simulate(bt1.HMAX, repetitions=repetitions, error="add",
                                    random_errors="bootstrap", anchor="end", random_state=seed))
    lower, upper = np.quantile(paths, [0.1, 0.9], axis=1)
    return params, list(zip(mean, np.minimum(lower, upper), np.maximum(lower, upper)))


def run_trace(ys, origins, period, refit, repetitions):
    rows, fallbacks, params = [], 0, None
    for k, o in enumerate(origins):
        if k % refit == 0:
            params = None
        history = np.asarray(ys[:o + 1])
        try:
            params, steps = forecast_origin(history, period, params, o, repetitions)
            if not all(math.isfinite(v) for step in steps for v in step):
                raise FloatingPointError("non-finite forecast")
        except Exception:  # statsmodels raises assorted types; the origin falls back
            fallbacks += 1
            steps = [(ys[o], ys[o], ys[o])] * bt1.HMAX
        rows += [(o, h, *steps[h - 1]) for h in bt1.HORIZONS]
    return rows, fallbacks


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--traces", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--every", type=int, default=1, help="every K-th BT1 origin only (quick look)")
    ap.add_argument("--refit", type=int, default=25,
                    help="re-estimate the parameters every R origins")
    ap.add_argument("--repetitions", type=int, default=500, help="simulated paths for the band")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    warnings.simplefilter("ignore")  # convergence chatter of the optimiser
    timings = {}
    for name in bt1.trace_names(a.traces):
        ts, ys = bt1.read_trace(os.path.join(a.traces, name + ".csv"))
        origins = bt1.origins_for(len(ys), a.every)
        period = round(86400 / (ts[1] - ts[0]))
        if period < 2 or 2 * period > origins[0] + 1:
            period = None
        started = time.perf_counter()
        rows, fallbacks = run_trace(ys, origins, period, a.refit, a.repetitions)
        seconds = time.perf_counter() - started
        bt1.write_forecasts(os.path.join(a.out, name + ".csv"), rows)
        timings[name] = (seconds, len(origins), f"period={period} fallbacks={fallbacks}")
        print(f"holt_winters: {name}: {len(origins)} origins, {seconds:.1f} s, "
              f"period {period}, {fallbacks} fallbacks", flush=True)
    bt1.write_timings(os.path.join(a.out, "timings.csv"), timings)


if __name__ == "__main__":
    main()
