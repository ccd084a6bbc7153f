#!/usr/bin/env bash
# Installs what fq needs on a Debian machine besides the .NET SDK: the Fashion-MNIST data set from Debian's
# packages. Elsewhere, fq downloads the data set itself (with a SHA-256 check) into ~/.cache/fq/datasets.
set -euo pipefail
if [[ -d /usr/share/datasets/fashion-mnist ]]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  sudo_cmd=""
  if [[ "$(id -u)" != 0 ]]; then sudo_cmd="sudo"; fi
  echo "setup: installing dataset-fashion-mnist from Debian's packages..." >&2
  $sudo_cmd apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq dataset-fashion-mnist >/dev/null
else
  echo "setup: not a Debian system; fq will download Fashion-MNIST on first use." >&2
fi
