#!/usr/bin/env bash
# Runs every test of the repository on a fresh Debian machine and ends with one line "N passed, N failed".
#
#   eng/test.sh                 # everything
#   eng/test.sh --filter EXPR   # passes EXPR to every test project (dotnet test --filter)
#
# It installs and starts what the tests need: a throwaway PostgreSQL cluster on loopback (own data folder and port,
# stopped on exit) and Debian's chromium for the browser tests. Under this script a missing PostgreSQL is a failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FILTER=()
if [[ "${1:-}" == "--filter" && -n "${2:-}" ]]; then FILTER=(--filter "$2"); fi

RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
log() { printf '[test.sh] %s\n' "$*" >&2; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
APT_UPDATED=0
apt_install() {
  if [[ $APT_UPDATED -eq 0 ]]; then as_root apt-get update -qq >&2; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >&2
}

command -v dotnet >/dev/null || { log "the .NET SDK (dotnet) is not on PATH"; echo "0 passed, 1 failed"; exit 1; }

# --- PostgreSQL: a throwaway cluster on loopback --------------------------------------------------------------------
PG_BIN=""
find_pg_bin() { PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"; }
find_pg_bin
if [[ -z "$PG_BIN" || ! -x "$PG_BIN/initdb" ]]; then
  log "installing postgresql"
  apt_install postgresql
  find_pg_bin
fi
PG_PORT="${ORCHESTRATOR_TEST_PG_PORT:-55432}"
PG_DIR="$(mktemp -d /tmp/orchestrator-pg.XXXXXX)"
PG_USER="postgres"
id -u "$PG_USER" >/dev/null 2>&1 || as_root useradd --system --no-create-home "$PG_USER"
chown "$PG_USER" "$PG_DIR" 2>/dev/null || true
run_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }
stop_pg() {
  if [[ -n "$PG_BIN" && -f "$PG_DIR/data/postmaster.pid" ]]; then run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$PG_DIR"
}
trap stop_pg EXIT
log "starting PostgreSQL ($PG_BIN) on 127.0.0.1:$PG_PORT"
run_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U orchestrator --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export ORCHESTRATOR_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=orchestrator;Database=postgres;Pooling=true;Maximum Pool Size=50"
export ORCHESTRATOR_REQUIRE_POSTGRES=1

# --- Chromium for the browser tests ------------------------------------------------------------------------------
if ! command -v chromium >/dev/null; then
  log "installing chromium"
  apt_install chromium
fi
export ORCHESTRATOR_CHROMIUM="$(command -v chromium)"
export ORCHESTRATOR_REQUIRE_CHROMIUM=1

# --- Build once, warnings as errors -----------------------------------------------------------------------------------
log "building"
if ! dotnet build Orchestrator.Core.sln -c Release -warnaserror -nologo -v q -clp:NoSummary >"$RESULTS/build.log" 2>&1; then
  grep -E "error|warning" "$RESULTS/build.log" | sort -u | head -50 >&2 || true
  log "build failed (full log: $RESULTS/build.log)"
  echo "0 passed, 1 failed"
  exit 1
fi

# --- Run every test project ------------------------------------------------------------------------------------------
status=0
while IFS= read -r proj; do
  name="$(basename "$proj" .csproj)"
  log "testing $name"
  if ! dotnet test "$proj" -c Release --no-build --nologo -v q "${FILTER[@]}" \
      --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" >"$RESULTS/$name.log" 2>&1; then
    status=1
    tail -n 40 "$RESULTS/$name.log" >&2
  fi
done < <(find tests -name '*.Tests.csproj' | sort)

# --- One line from the TRX files -------------------------------------------------------------------------------------
attr() { grep -o "<Counters [^>]*" "$1" | grep -o "$2=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
passed=0; failed=0; skipped=0
while IFS= read -r trx; do
  passed=$((passed + $(attr "$trx" passed)))
  failed=$((failed + $(attr "$trx" failed) + $(attr "$trx" error) + $(attr "$trx" timeout) + $(attr "$trx" aborted)))
  skipped=$((skipped + $(attr "$trx" notExecuted)))
done < <(find "$RESULTS" -name '*.trx')
# A project that crashed before writing its TRX counts as a failure.
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
if [[ $((passed + failed)) -eq 0 ]]; then failed=1; fi
log "$skipped skipped"
echo "$passed passed, $failed failed"
[[ $status -eq 0 && $failed -eq 0 ]] || exit 1
exit 0
