#!/usr/bin/env bash
# Runs every benchmark figure and writes docs/BENCHMARKS.md (about 10-15 minutes on the 2-core development VM).
#   bench/run-all.sh [trials]    (no-op trials of the side-by-side scale run against Optuna; default 2000)
# Set FQ_BENCH_SKIP_FANOUT=1 to skip the orchestration benchmark's real LeNet-5 fan-out.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bash "$root/infra/setup.sh" --bench
dotnet build "$root/bench/Orchestration/Orchestration.csproj" -c Release -nologo -v quiet
dotnet build "$root/bench/Benchmarks/Benchmarks.csproj" -c Release -nologo -v quiet

echo "== orchestration (bench/Orchestration)"
dotnet run -c Release --no-build --project "$root/bench/Orchestration" -- --trials "${1:-2000}" --trial-ms 0 --concurrency 2 --suite all | tee "$work/orchestration.txt"

echo "== kernels (bench/Benchmarks report)"
# BenchmarkDotNet writes its artifacts into the current directory: keep them out of the repository.
cd "$work"
dotnet run -c Release --no-build --project "$root/bench/Benchmarks" -- report \
  --orchestration "$work/orchestration.txt" --output "$root/docs/BENCHMARKS.md"
