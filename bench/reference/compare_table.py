#!/usr/bin/env python3
"""Prints the forecasting bench's comparison table (Markdown) from BT1 score files.

Usage: compare_table.py LABEL=SCORES.json ...   (the files `ihpa backtest --json` writes)
The ratio columns compare each method's headline relMAE with the rows labelled `stlf` and
`holtWinters (statsmodels)` when present. Python 3 standard library only.
"""
import json
import sys

STLF = "stlf (R forecast)"
HW = "holtWinters (statsmodels)"


def fmt(x, nd=3):
    return "n/a" if x is None else f"{x:.{nd}f}"


def ratio(a, b):
    return None if a is None or not b else a / b


def main():
    rows = []
    for arg in sys.argv[1:]:
        label, path = arg.split("=", 1)
        with open(path) as f:
            rows.append((label, json.load(f)["summary"]))
    summaries = dict(rows)
    head = ["method", "relMAE", "@1", "@3", "@6", "@12", "coverage", "upper-miss", "relPB90",
            "s/origin", "vs stlf", "vs HW", "invalid"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for label, s in rows:
        cells = [label, fmt(s["relmae_all"])] + [fmt(s[f"relmae_h{h}"]) for h in (1, 3, 6, 12)]
        cells += [fmt(s["coverage"], 2), fmt(s["upper_miss"], 2), fmt(s["relpinball90"]),
                  fmt(s["median_seconds_per_origin"], 4)]
        for ref in (STLF, HW):
            other = summaries.get(ref)
            cells.append(fmt(ratio(s["relmae_all"], other["relmae_all"] if other else None), 2))
        cells.append(", ".join(s["invalid"]) or "-")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
