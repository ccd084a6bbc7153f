"""Writes fixture-tabular-synthetic.csv: a SYNTHETIC stand-in for the tabular benchmark, for checking bench/Search's
replay code before (and besides) the real recording. Nothing in it is measured: sizes follow a rough size model of
LeNet-5 (431,080 weights), accuracies a made-up penalty for sparsity and few bits and an exponential learning curve.
Run: /usr/bin/python3 bench/Search/data/make_fixture.py
"""
import itertools
import math
import os

import numpy as np

EPOCHS = 8
DENSE_VAL, DENSE_TEST = 89.0, 88.6
WEIGHTS = 431080


def main():
    rng = np.random.default_rng(0)
    columns = ["sparsity", "bits", "w_sep", "fine_tune_lr", "epochs", "estimated_bytes", "compressed_bytes", "cr", "val_top1",
               "test_top1", "dense_val_top1", "dense_test_top1", "finetune_seconds", "state"]
    columns += [f"val_top1@{e}" for e in range(1, EPOCHS + 1)] + [f"test_top1@{e}" for e in range(1, EPOCHS + 1)]
    lines = ["# SYNTHETIC fixture made by make_fixture.py (not measured): only for checking the replay code.", ",".join(columns)]
    grid = itertools.product([0.80, 0.85, 0.88, 0.90, 0.92, 0.94, 0.96, 0.98], range(2, 8), [1.5, 3.0], [0.001, 0.003])
    for sparsity, bits, w_sep, lr in grid:
        kept = WEIGHTS * (1 - sparsity)
        compressed = round(kept * (0.55 * bits + 2.2) / 8 + 600)
        estimated = round(compressed * (1 + rng.normal(0, 0.02)))
        cr = WEIGHTS * 4 / compressed
        if sparsity == 0.98 and bits == 2 and lr == 0.003:
            lines.append(f"{sparsity},{bits},{w_sep},{lr},{EPOCHS},{estimated},NaN,NaN,NaN,NaN,{DENSE_VAL},{DENSE_TEST},NaN,failed," + ",".join(["NaN"] * 2 * EPOCHS))
            continue
        penalty = 0.2 + 45 * (sparsity - 0.8) ** 2 + 7 * math.exp(-(bits - 1)) - (0.3 if lr == 0.003 and sparsity > 0.9 else 0) - (0.25 if w_sep == 3.0 and bits <= 3 else 0)
        final = DENSE_VAL - penalty + rng.normal(0, 0.15)
        start_drop = 3 + 25 * (sparsity - 0.8) + 5 / bits
        val = [final - start_drop * math.exp(-(e - 1) / 1.8) + rng.normal(0, 0.12) for e in range(1, EPOCHS + 1)]
        val[-1] = final
        test = [v - 0.3 + rng.normal(0, 0.2) for v in val]
        seconds = 2.1 * EPOCHS * (1 + rng.normal(0, 0.05))
        figures = [f"{sparsity}", f"{bits}", f"{w_sep}", f"{lr}", f"{EPOCHS}", f"{estimated}", f"{compressed}", f"{cr:.4f}", f"{val[-1]:.2f}",
                   f"{test[-1]:.2f}", f"{DENSE_VAL}", f"{DENSE_TEST}", f"{seconds:.2f}", "completed"]
        lines.append(",".join(figures + [f"{v:.2f}" for v in val] + [f"{t:.2f}" for t in test]))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture-tabular-synthetic.csv")
    with open(path, "w", encoding="ascii") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
