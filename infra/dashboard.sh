#!/usr/bin/env bash
# The Aspire dashboard as a standalone trace, metrics and logs viewer for fq, on this machine's loopback.
#   infra/dashboard.sh start [--ui-port P] [--otlp-port P]   (defaults 18888 and 4317)
#   infra/dashboard.sh stop
#   infra/dashboard.sh status
# The dashboard comes from NuGet (Aspire.Dashboard.Sdk.linux-x64, restored through infra/aspire-dashboard/), runs in
# the background without login (it binds to 127.0.0.1 only), and keeps what it receives in memory. Its pid file, ports
# and log live under $FQ_HOME/dashboard (default ./.fq/dashboard).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="$(realpath -m "${FQ_HOME:-.fq}")"
dir="$home/dashboard"
pidfile="$dir/dashboard.pid"
ui_port=18888
otlp_port=4317

die() { echo "dashboard.sh: $*" >&2; exit 2; }

usage() {
  sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

alive() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

binary() {
  local project="$root/infra/aspire-dashboard/AspireDashboard.csproj" path
  dotnet restore "$project" --verbosity quiet >&2 || die "could not restore Aspire.Dashboard.Sdk.linux-x64 from NuGet."
  path="$(dotnet msbuild "$project" -getProperty:AspireDashboardPath | tail -n 1)"
  [[ -x "$path" ]] || die "the restored package has no dashboard binary at '$path'."
  echo "$path"
}

print_use() {
  echo "Aspire dashboard: http://127.0.0.1:$1/  (traces, metrics, structured logs)"
  echo "Send fq's telemetry to it; in the shell that runs fq (silos, fq sweep launch):"
  echo "  export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$2"
}

start() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --ui-port) ui_port="${2:?--ui-port needs a port}"; shift 2 ;;
      --otlp-port) otlp_port="${2:?--otlp-port needs a port}"; shift 2 ;;
      *) usage ;;
    esac
  done
  [[ "$ui_port" =~ ^[0-9]+$ && "$otlp_port" =~ ^[0-9]+$ && "$ui_port" != "$otlp_port" ]] || die "the ports must be two different numbers."
  if alive; then
    echo "dashboard.sh: already running (pid $(cat "$pidfile")); 'infra/dashboard.sh stop' first to change ports." >&2
    print_use "$(cat "$dir/ui.port")" "$(cat "$dir/otlp.port")"
    return 0
  fi
  for p in "$ui_port" "$otlp_port"; do
    port_open "$p" && die "port $p is taken; pick another with --ui-port / --otlp-port."
  done
  local exe
  exe="$(binary)"
  mkdir -p "$dir"
  ASPNETCORE_URLS="http://127.0.0.1:$ui_port" \
  ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$otlp_port" \
  ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
    nohup "$exe" >"$dir/dashboard.log" 2>&1 &
  echo $! >"$pidfile"
  echo "$ui_port" >"$dir/ui.port"
  echo "$otlp_port" >"$dir/otlp.port"
  for _ in $(seq 1 150); do
    if port_open "$ui_port" && port_open "$otlp_port"; then
      print_use "$ui_port" "$otlp_port"
      return 0
    fi
    alive || { cat "$dir/dashboard.log" >&2; rm -f "$pidfile"; die "the dashboard exited; its log is above."; }
    sleep 0.2
  done
  die "the dashboard did not open ports $ui_port and $otlp_port within 30 s; see $dir/dashboard.log."
}

stop() {
  if ! alive; then
    rm -f "$pidfile"
    echo "dashboard.sh: not running."
    return 0
  fi
  local pid
  pid="$(cat "$pidfile")"
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pidfile"
  echo "dashboard.sh: stopped."
}

status() {
  if alive; then
    echo "running (pid $(cat "$pidfile"))"
    print_use "$(cat "$dir/ui.port")" "$(cat "$dir/otlp.port")"
  else
    echo "not running"
  fi
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
