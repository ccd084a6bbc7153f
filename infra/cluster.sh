#!/usr/bin/env bash
# A Redis-based fq cluster on this machine: redis-server plus N `fq silo` processes.
#   infra/cluster.sh start N [--redis-port P] [--silo-port BASE] [--gateway-port BASE]
#   infra/cluster.sh stop
#   infra/cluster.sh status
# Everything lives under $FQ_HOME/cluster (default ./.fq/cluster): pid files, Redis' append-only file, logs/.
# Silo i (0-based) listens on BASE+i (defaults 11111+i for silos, 30000+i for gateways); every silo shares the
# state folder $FQ_HOME (default ./.fq), which holds the checkpoint store.
# Tracking: with MLFLOW_TRACKING_URI set, the silos log there; otherwise one tracker (`fq tracker`) is started on
# 127.0.0.1:${FQ_TRACKER_PORT:-5055} with $FQ_HOME/tracker.db and the silos are pointed at it. With FQ_TRACKER_TOKEN
# set, that tracker requires the token and the silos present it (it stays in the environment, out of `ps`).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="$(realpath -m "${FQ_HOME:-.fq}")"
dir="$home/cluster"
logs="$dir/logs"
ready_timeout="${FQ_CLUSTER_READY_TIMEOUT:-180}"

die() { echo "cluster.sh: $*" >&2; exit 2; }

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

running() {
  local f
  for f in "$dir"/redis.pid "$dir"/tracker.pid "$dir"/silo-*.pid; do alive "$f" && return 0; done
  return 1
}

need_redis() {
  if command -v redis-server >/dev/null 2>&1; then return; fi
  if command -v apt-get >/dev/null 2>&1; then
    local sudo_cmd=""
    [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
    echo "cluster.sh: installing redis-server from Debian's packages..." >&2
    $sudo_cmd apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server >/dev/null
  else
    die "redis-server is not installed; install Redis 6 or newer and try again."
  fi
}

start() {
  [[ $# -ge 1 && "$1" =~ ^[1-9][0-9]*$ ]] || die "start needs a silo count, e.g. 'start 2'."
  local count="$1"; shift
  local redis_port=6379 silo_base=11111 gateway_base=30000
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --redis-port) redis_port="${2:?--redis-port needs a value}"; shift 2 ;;
      --silo-port) silo_base="${2:?--silo-port needs a value}"; shift 2 ;;
      --gateway-port) gateway_base="${2:?--gateway-port needs a value}"; shift 2 ;;
      *) die "unknown option '$1'." ;;
    esac
  done
  local tracker_port="${FQ_TRACKER_PORT:-5055}"
  for p in "$redis_port" "$silo_base" "$gateway_base" "$tracker_port"; do
    [[ "$p" =~ ^[0-9]+$ && "$p" -ge 1 && "$p" -le 65535 ]] || die "'$p' is not a port number."
  done
  if running; then die "a cluster is already running from $dir; run 'infra/cluster.sh stop' first."; fi
  need_redis
  mkdir -p "$logs"
  rm -f "$dir"/*.pid

  # Build once here: silos started together would otherwise all try to build the tool at the same time.
  "$root/fq" --help >/dev/null
  local dll="$root/artifacts/fq/fq.dll"

  # Redis keeps the cluster's membership, grain state and reminders: append-only, so a restarted cluster resumes.
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --save '' \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$logs/redis.log"
  echo "$redis_port" > "$dir/redis.port"
  local cluster="redis://127.0.0.1:$redis_port"
  for _ in $(seq 1 50); do alive "$dir/redis.pid" && break; sleep 0.1; done
  alive "$dir/redis.pid" || { tail -n 20 "$logs/redis.log" >&2; die "redis-server did not start."; }

  local tracking_uri="${MLFLOW_TRACKING_URI:-}"
  local silo_token="${MLFLOW_TRACKING_TOKEN:-}"
  if [[ -z "$tracking_uri" ]]; then
    # fq tracker reads FQ_TRACKER_TOKEN itself; the silos get it as MLflow's token, so that an unrelated
    # MLFLOW_TRACKING_TOKEN in this shell is not sent to our tracker instead.
    silo_token="${FQ_TRACKER_TOKEN:-}"
    setsid nohup dotnet "$dll" tracker --port "$tracker_port" > "$logs/tracker.log" 2>&1 < /dev/null &
    echo $! > "$dir/tracker.pid"
    local tracker_deadline=$((SECONDS + 60))
    until grep -q '^Tracker: ' "$logs/tracker.log" 2>/dev/null; do
      if ! alive "$dir/tracker.pid" || ((SECONDS > tracker_deadline)); then
        tail -n 20 "$logs/tracker.log" >&2
        echo "cluster.sh: the tracker did not start (is port $tracker_port taken? set FQ_TRACKER_PORT); stopping." >&2
        stop; exit 1
      fi
      sleep 0.2
    done
    tracking_uri="http://127.0.0.1:$tracker_port"
    grep -m1 '^Tracker: ' "$logs/tracker.log"
  fi

  for ((i = 0; i < count; i++)); do
    # Exported in a subshell that then becomes the silo: a token on a command line would show in `ps`.
    (
      export MLFLOW_TRACKING_URI="$tracking_uri"
      if [[ -n "$silo_token" ]]; then export MLFLOW_TRACKING_TOKEN="$silo_token"; else unset MLFLOW_TRACKING_TOKEN; fi
      exec setsid nohup dotnet "$dll" silo --cluster "$cluster" --silo-port $((silo_base + i)) --gateway-port $((gateway_base + i)) \
        --state "$home" > "$logs/silo-$i.log" 2>&1 < /dev/null
    ) &
    echo $! > "$dir/silo-$i.pid"
  done

  local deadline=$((SECONDS + ready_timeout))
  for ((i = 0; i < count; i++)); do
    until grep -q '^silo .* ready' "$logs/silo-$i.log" 2>/dev/null; do
      if ! alive "$dir/silo-$i.pid"; then
        tail -n 30 "$logs/silo-$i.log" >&2
        echo "cluster.sh: silo $i exited before it was ready; stopping the cluster." >&2
        stop; exit 1
      fi
      if ((SECONDS > deadline)); then
        echo "cluster.sh: silo $i was not ready within ${ready_timeout}s; stopping the cluster." >&2
        stop; exit 1
      fi
      sleep 0.5
    done
    grep -m1 '^silo .* ready' "$logs/silo-$i.log"
  done
  echo "cluster ready: $count silos; clients take --cluster $cluster; tracking at $tracking_uri"
}

stop_pid_file() {
  local file="$1" name="$2"
  if alive "$file"; then
    local pid; pid="$(cat "$file")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "cluster.sh: $name did not stop within 15 s; killing it." >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

stop() {
  [[ -d "$dir" ]] || { echo "no cluster under $dir"; return 0; }
  local f
  for f in "$dir"/silo-*.pid; do
    [[ -e "$f" ]] || continue
    stop_pid_file "$f" "$(basename "$f" .pid)"
  done
  # Silos first, so none of them loses Redis while still shutting down, nor its tracker while draining its outbox.
  stop_pid_file "$dir/redis.pid" "redis-server"
  stop_pid_file "$dir/tracker.pid" "tracker"
}

status() {
  [[ -d "$dir" ]] || { echo "no cluster under $dir"; return 0; }
  local f any=0
  if [[ -f "$dir/redis.port" ]]; then
    if alive "$dir/redis.pid"; then echo "redis-server: running (pid $(cat "$dir/redis.pid")), redis://127.0.0.1:$(cat "$dir/redis.port")"; any=1
    else echo "redis-server: stopped"; fi
  fi
  if alive "$dir/tracker.pid"; then echo "tracker: running (pid $(cat "$dir/tracker.pid")) $(grep -m1 -o 'http://[^ ]*' "$logs/tracker.log" 2>/dev/null)"; any=1; fi
  for f in "$dir"/silo-*.pid; do
    [[ -e "$f" ]] || continue
    local name; name="$(basename "$f" .pid)"
    if alive "$f"; then
      echo "$name: running (pid $(cat "$f")) $(grep -m1 -o '^silo [^ ]*' "$logs/$name.log" 2>/dev/null | cut -d' ' -f2)"; any=1
    else
      echo "$name: stopped"
    fi
  done
  ((any)) || echo "nothing running"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
