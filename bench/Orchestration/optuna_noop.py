"""The peer of fq's orchestration benchmark: the same no-op trials through Optuna 3.1 (Debian's python3-optuna).

Run by bench/Orchestration with Debian's /usr/bin/python3; prints one line, e.g.
  optuna-sqlite: 200 trials, 24.1 ms per trial
Each trial draws the same kind of point fq's benchmark sweep does (a sparsity and a w_sep), waits --trial-ms, and
returns two objectives (compression ratio and top-1, both maximised), so both sides do a multi-objective study.
"""
import argparse
import os
import tempfile
import time

import optuna


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, required=True)
    parser.add_argument("--trial-ms", type=float, default=0.0)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--storage", choices=["memory", "sqlite"], required=True)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    folder = tempfile.mkdtemp(prefix="fq-bench-optuna-")
    storage = None if args.storage == "memory" else "sqlite:///" + os.path.join(folder, "study.db")
    pause = args.trial_ms / 1000.0

    def objective(trial: optuna.Trial):
        sparsity = trial.suggest_float("sparsity", 0.5, 0.95)
        trial.suggest_float("w_sep", 0.5, 3.0)
        if pause > 0:
            time.sleep(pause)
        return 8.0 / (1.0 - sparsity), 90.0 - 10.0 * sparsity

    started = time.perf_counter()
    study = optuna.create_study(directions=["maximize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=1), storage=storage)
    study.optimize(objective, n_trials=args.trials, n_jobs=args.concurrency)
    elapsed = time.perf_counter() - started
    finished = sum(1 for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE)
    if finished != args.trials:
        raise SystemExit(f"optuna-{args.storage}: only {finished} of {args.trials} trials completed")
    print(f"optuna-{args.storage}: {args.trials} trials, {elapsed * 1000.0 / args.trials:.3f} ms per trial", flush=True)


if __name__ == "__main__":
    main()
