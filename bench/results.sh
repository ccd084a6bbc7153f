#!/usr/bin/env bash
# Writes docs/RESULTS.md from real runs. Each part saves its raw output under docs/results-data/ (committed), so
# `bench/results.sh write` regenerates the document without rerunning anything.
#   bench/results.sh [all | table | wsep | sweeps | adaptive | write]...      (default: all but adaptive)
# table  - Table 1 of the paper for LeNet-300-100 and LeNet-5 on the full Fashion-MNIST: fq compress at 5 and 7 bits
#          (both coding modes are in each report). About 25 min on 2 idle cores.
# trust  - LeNet-5 at 5 bits on the full data with the equal-epoch dense baseline (each fine-tuning variant), and
#          the quickstart's reproducibility (twice, serial, beside a spinning core). About 30 min.
# wsep   - top-1 against w_sep 1.0..3.5 for 3 seeds (LeNet-5, 6k/2k images): three sweeps. About 10 min.
# sweeps - examples/quickstart.yaml on the embedded default, then on 1-, 2- and 3-silo Redis clusters on this machine.
# adaptive - issue 12: examples/lenet5-adaptive.yaml (NSGA-II, early stopping) against random search and a grid at the
#          same budget of 48 trials on the full data, then the equal-epoch dense model. Hours; not part of "all".
# write  - docs/RESULTS.md and its plots from docs/results-data/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
data="$root/docs/results-data"
work="$root/artifacts/results"
mkdir -p "$data" "$work"
fq="$root/fq"
now() { date +%s%N; }
elapsed() { local ms=$(( ($(now) - $1) / 1000000 )); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }

machine() {
  # The machine the data comes from, for the document's header.
  local cpu mem
  cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
  mem="$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "$(nproc) cores of $cpu, $mem, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --version), no GPU" > "$data/machine.txt"
}

table() {
  mkdir -p "$data/table"
  # A cache of its own: the baselines are trained here, once per model, and shared by the 5- and 7-bit runs.
  export XDG_CACHE_HOME="$work/cache"
  local model bits start
  for model in lenet-300-100 lenet5; do
    for bits in 5 7; do
      echo "results: $model at $bits bits" >&2
      start=$(now)
      "$fq" compress --model "$model" --dataset fashion-mnist --bits "$bits" --seed 1 --offline \
        --out "$work/$model-$bits.fqz" --report "$data/table/$model-$bits.json" </dev/null
      printf '{"seconds": %s}\n' "$(elapsed "$start")" > "$data/table/$model-$bits.time.json"
    done
  done
}

trust() {
  # The runs behind the README's claims: LeNet-5 at 5 bits on the full data, chosen on validation, reported on test,
  # against a dense model trained as long; each fine-tuning variant. Then the quickstart's reproducibility.
  mkdir -p "$data/trust"
  export XDG_CACHE_HOME="$work/trust-cache"
  rm -f "$data/trust/"*.json
  : > "$data/trust/commands.txt"
  local variant args
  for variant in ${TRUST_VARIANTS:-ste inq}; do
    args=(compress --model lenet5 --dataset fashion-mnist --bits 5 --seed 1 --equal-epoch-baseline --fine-tune "$variant")
    echo "./fq ${args[*]}" >> "$data/trust/commands.txt"
    echo "results: ${args[*]}" >&2
    "$fq" "${args[@]}" --offline --out "$work/trust-$variant.fqz" --report "$data/trust/lenet5-5bit-$variant.json" </dev/null
  done
  local run home hashes="$data/trust/quickstart-hashes.txt" spec="$work/quickstart-serial.yaml"
  : > "$hashes"
  sed 's/^concurrency: .*/concurrency: 1/' examples/quickstart.yaml > "$spec"
  for run in twice-1 twice-2 serial hog; do
    home="$work/quickstart-$run"
    rm -rf "$home"
    echo "results: quickstart ($run)" >&2
    local hog_pid=""
    if [[ "$run" == hog ]]; then (while :; do :; done) & hog_pid=$!; fi
    if [[ "$run" == serial ]]; then
      FQ_HOME="$home" "$fq" sweep launch "$spec" --id quickstart </dev/null > "$work/quickstart-$run.log" 2>&1
    else
      FQ_HOME="$home" "$fq" sweep launch examples/quickstart.yaml --id quickstart </dev/null > "$work/quickstart-$run.log" 2>&1
    fi
    [[ -n "$hog_pid" ]] && kill "$hog_pid"
    {
      echo "$run:"
      (cd "$home/models" && sha256sum *.fqz | cut -c1-16,65-)
      grep -E 'completed on|failed' "$work/quickstart-$run.log" | sed -E 's/^\[[0-9:]+\] //; s/ on S[^:]*:[0-9]+:[0-9]+//' | sort
    } >> "$hashes"
  done
}

wsep() {
  mkdir -p "$data/wsep"
  local seed spec id
  for seed in 1 2 3; do
    spec="$work/wsep-seed$seed.yaml"
    sed "s/^seed: .*/seed: $seed/; s/^name: .*/name: wsep-seed$seed/" examples/wsep.yaml > "$spec"
    id="wsep-seed$seed-$(date +%s)"
    echo "results: w_sep sweep, seed $seed" >&2
    FQ_HOME="$work/wsep-home" "$fq" sweep launch "$spec" --id "$id" </dev/null >/dev/null
    FQ_HOME="$work/wsep-home" "$fq" sweep status "$id" --json > "$data/wsep/seed$seed.json"
  done
}

sweeps() {
  mkdir -p "$data/sweeps"
  local home id start
  # Embedded: one process, one silo, a fresh state folder (the baseline is trained inside the measured time).
  home="$work/embedded-home"; rm -rf "$home"
  id="quickstart-embedded-$(date +%s)"
  echo "results: quickstart sweep, embedded" >&2
  start=$(now)
  FQ_HOME="$home" "$fq" sweep launch examples/quickstart.yaml --id "$id" </dev/null >/dev/null
  printf '{"seconds": %s, "silos": 1}\n' "$(elapsed "$start")" > "$data/sweeps/embedded.time.json"
  FQ_HOME="$home" "$fq" sweep status "$id" --json > "$data/sweeps/embedded.json"
  FQ_HOME="$home" "$fq" pareto "$id" --json > "$data/sweeps/embedded-pareto.json"
  FQ_HOME="$home" COLUMNS=120 "$fq" pareto "$id" > "$data/sweeps/embedded-pareto.txt"
  FQ_HOME="$home" "$fq" pareto "$id" --plot "$data/sweeps/embedded-pareto.svg" >/dev/null

  # The same spec on 1, 2 and 3 silo processes over Redis on this machine (a fresh state folder each time).
  local silos
  for silos in 1 2 3; do
    home="$work/cluster$silos-home"; rm -rf "$home"
    FQ_HOME="$home" infra/cluster.sh start "$silos" --redis-port 6391 --silo-port 11411 --gateway-port 30400 >&2
    id="quickstart-cluster$silos-$(date +%s)"
    echo "results: quickstart sweep, $silos-silo cluster" >&2
    start=$(now)
    FQ_HOME="$home" "$fq" sweep launch examples/quickstart.yaml --cluster redis://127.0.0.1:6391 --watch --id "$id" </dev/null >/dev/null
    printf '{"seconds": %s, "silos": %d}\n' "$(elapsed "$start")" "$silos" > "$data/sweeps/cluster$silos.time.json"
    FQ_HOME="$home" "$fq" sweep status "$id" --cluster redis://127.0.0.1:6391 --json > "$data/sweeps/cluster$silos.json"
    FQ_HOME="$home" infra/cluster.sh stop >&2
  done
}

adaptive() {
  # Issue 12's run on real data: the adaptive sweep with early stopping against random search and a grid at the same
  # budget (48 trials each, the whole data set, each from a fresh state folder), then a dense LeNet-5 trained for as
  # many epochs as a finished trial received (6 + 4 + 8), for the fair drop. Hours on 2 cores: about 1.5 h a sweep.
  mkdir -p "$data/adaptive"
  local stem spec home times
  : > "$data/adaptive/commands.txt"
  for stem in adaptive random grid; do
    spec="examples/lenet5-adaptive.yaml"; [[ "$stem" != adaptive ]] && spec="examples/lenet5-adaptive-$stem.yaml"
    home="$work/adaptive-$stem"; rm -rf "$home"
    echo "./fq sweep launch $spec" >> "$data/adaptive/commands.txt"
    echo "results: $spec" >&2
    times="$work/adaptive-$stem.times"
    # Bash's own timer: wall, then the user and system CPU time of fq and its children.
    { TIMEFORMAT='%R %U %S'; time FQ_HOME="$home" "$fq" sweep launch "$spec" --id "lenet5-$stem" </dev/null >"$work/adaptive-$stem.log" 2>&1; } 2> "$times"
    awk '{printf "{\"seconds\": %s, \"cpuSeconds\": %.2f}\n", $1, $2 + $3}' "$times" > "$data/adaptive/$stem.time.json"
    FQ_HOME="$home" "$fq" sweep status "lenet5-$stem" --json > "$data/adaptive/$stem.json"
    FQ_HOME="$home" "$fq" pareto "lenet5-$stem" --json > "$data/adaptive/$stem-pareto.json"
  done
  local args=(compress --model lenet5 --dataset fashion-mnist --bits 5 --seed 1 --baseline-epochs 6 --prune-epochs 4 --schedule-scale 0.4 --equal-epoch-baseline)
  echo "./fq ${args[*]}" >> "$data/adaptive/commands.txt"
  XDG_CACHE_HOME="$work/adaptive-dense-cache" "$fq" "${args[@]}" --offline --out "$work/adaptive-dense.fqz" --report "$data/adaptive/dense.json" </dev/null
}

write() {
  dotnet run -c Release --project bench/Results -- "$data" "$root/docs"
}

parts=("$@")
[[ ${#parts[@]} -eq 0 || "${parts[0]}" == all ]] && parts=(trust table wsep sweeps write)
for part in "${parts[@]}"; do
  case "$part" in
    trust|table|wsep|sweeps|adaptive) machine; "$part" ;;
    write) "$part" ;;
    *) echo "results.sh: unknown part '$part' (all, trust, table, wsep, sweeps, adaptive, write)" >&2; exit 2 ;;
  esac
done
