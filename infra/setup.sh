#!/usr/bin/env bash
# Installs what fq needs on a Debian machine besides the .NET SDK: the Fashion-MNIST data set and redis-server
# (the cluster mode and its tests), both from Debian's packages. Elsewhere, fq downloads the data set itself (with a
# SHA-256 check) into ~/.cache/fq/datasets, and the cluster mode needs a Redis server you provide.
#   infra/setup.sh           what fq needs to run
#   infra/setup.sh --tests   also what the tests need: chromium, for the tracker page's headless-browser tests, and
#                            python3-torch and python3-torchvision (Debian's 1.13 and 0.14), the data tests' peers
#   infra/setup.sh --bench   also the benchmarks' peers: python3-optuna (Debian's Optuna 3.1) and python3-torchvision
#                            (the loader benchmark); none of them is ever used by fq itself
set -euo pipefail
tests=false
bench=false
for arg in "$@"; do
  case "$arg" in
    --tests) tests=true ;;
    --bench) bench=true ;;
    *) echo "setup: unknown option '$arg' (--tests installs what the tests need too, --bench what the benchmarks compare with)" >&2; exit 2 ;;
  esac
done
missing=()
[[ -d /usr/share/datasets/fashion-mnist ]] || missing+=(dataset-fashion-mnist)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if $tests; then command -v chromium >/dev/null 2>&1 || missing+=(chromium); fi
# Debian's PyTorch 1.13 and torchvision 0.14: the peers the data tests compare transforms with and the loader benchmark
# runs beside fq's (never used by fq itself).
if $tests || $bench; then /usr/bin/python3 -c 'import torch, torchvision' >/dev/null 2>&1 || missing+=(python3-torch python3-torchvision); fi
if $bench; then /usr/bin/python3 -c 'import optuna' >/dev/null 2>&1 || missing+=(python3-optuna); fi
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  sudo_cmd=""
  if [[ "$(id -u)" != 0 ]]; then sudo_cmd="sudo"; fi
  echo "setup: installing ${missing[*]} from Debian's packages..." >&2
  $sudo_cmd apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian starts a redis-server service on 6379 when it can; fq's tests and scripts start their own on free ports.
else
  echo "setup: not a Debian system; fq will download Fashion-MNIST on first use, and a cluster needs your own Redis." >&2
fi
