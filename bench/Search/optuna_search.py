"""The Optuna peer of bench/Search: the same problems through Optuna 3.1's samplers (Debian's python3-optuna).

Run by bench/Search with Debian's /usr/bin/python3. It reads one JSON request on stdin:
  {"mode": "run", "problem": {...}, "sampler": "optuna-nsga2", "trials": 200, "seeds": [0, 1], "memoize_motpe": true}
    prints a JSON line per trial, {"seed", "number", "params", "values"} (values null for a failed trial), and after
    each seed {"seed", "seconds"}: the time spent in study.ask and study.tell, i.e. Optuna's sampling and bookkeeping
    without the evaluation of the problem;
  {"mode": "check", "problem": {...}, "points": [{"x0": ...}, ...]}
    prints one JSON line, the objectives at each point, so bench/Search can compare both implementations.
The problem object is what bench/Search's IProblem.Describe() sends: the dimensions, and either an analytic problem's
name (evaluated here with numpy) or the tabular benchmark's rows. Every objective is minimized.
"""
import copy
import json
import pickle
import sys
import time
import warnings

import numpy as np


def zdt(number, x):
    n = x.size
    if number == 4:
        f1 = x[0]
        g = 1.0 + 10.0 * (n - 1) + np.sum(x[1:] ** 2 - 10.0 * np.cos(4.0 * np.pi * x[1:]))
    elif number == 6:
        f1 = 1.0 - np.exp(-4.0 * x[0]) * np.sin(6.0 * np.pi * x[0]) ** 6
        g = 1.0 + 9.0 * (np.sum(x[1:]) / (n - 1)) ** 0.25
    else:
        f1 = x[0]
        g = 1.0 + 9.0 * np.sum(x[1:]) / (n - 1)
    r = f1 / g
    if number in (2, 6):
        h = 1.0 - r * r
    elif number == 3:
        h = 1.0 - np.sqrt(r) - r * np.sin(10.0 * np.pi * f1)
    else:
        h = 1.0 - np.sqrt(r)
    return [float(f1), float(g * h)]


def dtlz(number, m, x):
    k = x.size - m + 1
    tail = x[m - 1:]
    if number in (1, 3):
        g = 100.0 * (k + np.sum((tail - 0.5) ** 2 - np.cos(20.0 * np.pi * (tail - 0.5))))
    elif number == 6:
        g = np.sum(tail ** 0.1)
    elif number == 7:
        g = 1.0 + 9.0 / k * np.sum(tail)
    else:
        g = np.sum((tail - 0.5) ** 2)

    if number == 7:
        head = x[: m - 1]
        h = m - np.sum(head / (1.0 + g) * (1.0 + np.sin(3.0 * np.pi * head)))
        return [float(v) for v in head] + [float((1.0 + g) * h)]

    f = []
    if number == 1:
        for i in range(m):
            value = 0.5 * (1.0 + g) * np.prod(x[: m - 1 - i])
            if i > 0:
                value *= 1.0 - x[m - 1 - i]
            f.append(float(value))
        return f

    if number == 4:
        theta = x[: m - 1] ** 100 * np.pi / 2.0
    elif number in (5, 6):
        theta = np.pi / (4.0 * (1.0 + g)) * (1.0 + 2.0 * g * x[: m - 1])
        theta[0] = x[0] * np.pi / 2.0
    else:
        theta = x[: m - 1] * np.pi / 2.0
    for i in range(m):
        value = (1.0 + g) * np.prod(np.cos(theta[: m - 1 - i]))
        if i > 0:
            value *= np.sin(theta[m - 1 - i])
        f.append(float(value))
    return f


class Problem:
    def __init__(self, spec):
        self.spec = spec
        self.names = [d["name"] for d in spec["dimensions"]]
        self.objectives = spec["objectives"]
        if spec["kind"] == "tabular":
            self.scales = spec["scales"]
            self.positions = np.array([row["position"] for row in spec["rows"]], dtype=float)
            self.rows = [row["values"] for row in spec["rows"]]
        else:
            name = spec["name"]
            if name.startswith("ZDT"):
                number = int(name[3:])
                self.function = lambda x: zdt(number, x)
            else:
                number, m = (int(part) for part in name[4:].split("-"))
                self.function = lambda x: dtlz(number, m, x)

    def evaluate(self, params):
        if self.spec["kind"] != "tabular":
            return self.function(np.array([float(params[n]) for n in self.names], dtype=float))
        # The nearest recorded row in positions scaled to [0, 1] per dimension (log ranges in log space); first on a tie.
        at = []
        for scale in self.scales:
            value, low, high = float(params[scale["name"]]), scale["low"], scale["high"]
            if scale["log"]:
                at.append((np.log(value) - np.log(low)) / (np.log(high) - np.log(low)))
            else:
                at.append((value - low) / (high - low))
        distance = np.zeros(len(self.rows))
        for d, position in enumerate(at):
            distance += (self.positions[:, d] - position) ** 2
        return self.rows[int(np.argmin(distance))]


def distributions(spec):
    import optuna

    result = {}
    for d in spec["dimensions"]:
        if d["kind"] == "float":
            result[d["name"]] = optuna.distributions.FloatDistribution(d["low"], d["high"], log=d["log"], step=d["step"])
        else:
            result[d["name"]] = optuna.distributions.IntDistribution(int(d["low"]), int(d["high"]), log=d["log"], step=int(d["step"]))
    return result


def remember_last_call(function):
    """The function, answering a call with the same arguments as the one before from memory (a copy of its result)."""
    last = {}

    def wrapper(*args):
        key = pickle.dumps(args)
        if last.get("key") != key:
            last["key"], last["result"] = key, function(*args)
        return copy.deepcopy(last["result"])

    return wrapper


def memoize_motpe():
    """
    Optuna 3.1's TPE samples each parameter of a trial on its own and, in a multi-objective study, splits the trials
    into below and above (with a hypervolume subset selection) and weighs the below ones by hypervolume contributions
    once per parameter, though both depend only on the finished trials' objectives, the same for every parameter of a
    trial. Both are deterministic functions of their arguments, so remembering the last call changes no sampled value,
    only the time (bench/Search --check verifies the points are the same); without it a 3-objective run of 200 trials
    takes about 10 minutes of one core. --stock-optuna turns this off to measure Optuna as shipped.
    """
    from optuna.samplers._tpe import sampler as tpe

    tpe._split_observation_pairs = remember_last_call(tpe._split_observation_pairs)
    tpe._calculate_weights_below_for_multi_objective = remember_last_call(tpe._calculate_weights_below_for_multi_objective)


def make_sampler(name, seed):
    import optuna

    if name == "optuna-random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "optuna-nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed)
    if name == "optuna-motpe":
        # Deprecated since Optuna 2.9 in favour of TPESampler's multi-objective mode, which it wraps; still 3.1's MOTPE.
        return optuna.samplers.MOTPESampler(seed=seed)
    raise SystemExit(f"optuna_search.py: unknown sampler {name}")


def run(request):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if request.get("memoize_motpe", False):
        memoize_motpe()
    problem = Problem(request["problem"])
    space = distributions(request["problem"])
    for seed in request["seeds"]:
        study = optuna.create_study(directions=["minimize"] * problem.objectives, sampler=make_sampler(request["sampler"], seed))
        seconds = 0.0
        for number in range(request["trials"]):
            started = time.perf_counter()
            trial = study.ask(space)
            seconds += time.perf_counter() - started
            values = problem.evaluate(trial.params)
            started = time.perf_counter()
            if values is None:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            else:
                study.tell(trial, values)
            seconds += time.perf_counter() - started
            print(json.dumps({"seed": seed, "number": number, "params": trial.params, "values": values}))
        print(json.dumps({"seed": seed, "seconds": seconds}), flush=True)


def check(request):
    problem = Problem(request["problem"])
    print(json.dumps([problem.evaluate(point) for point in request["points"]]))


def main():
    warnings.simplefilter("ignore")  # MOTPESampler's deprecation and the experimental warnings are expected here
    request = json.load(sys.stdin)
    if request["mode"] == "run":
        run(request)
    elif request["mode"] == "check":
        check(request)
    else:
        raise SystemExit(f"optuna_search.py: unknown mode {request['mode']}")


if __name__ == "__main__":
    main()
