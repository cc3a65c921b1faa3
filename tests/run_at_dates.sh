#!/usr/bin/env bash
# `make test-dates`: the whole suite with the process clock set (Debian's libfaketime) to each of the days
# a health-visiting system must get right. Every process the tests start (the live server's thread, the
# benchmark's uvicorn, Chromium) sees the same clock. Prints one markdown row per day for the README.
# Usage: [TESTS="tests/web ..."] tests/run_at_dates.sh [DAY ...]   (DAY as YYYY-MM-DD; default: the days
# below, from today; TESTS: some test paths instead of the whole suite)
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=${PYTEST:-.venv/bin/python -m pytest}
JOBS=${JOBS:-2}

next_day() {  # the next date (from tomorrow) that GNU date's format $1 prints as $2
  local day
  for offset in $(seq 1 1500); do
    day=$(date -d "+${offset} days" +%F)
    [ "$(date -d "$day" "+$1")" = "$2" ] && { echo "$day"; return; }
  done
}

if [ $# -gt 0 ]; then
  days=("$@")
else
  days=(
    "$(next_day %u 6)"        # a Saturday
    "$(next_day %u 7)"        # a Sunday
    "$(next_day %m-%d 12-24)" # Christmas Eve (closed by default)
    "$(next_day %m-%d 12-31)" # New Year's Eve (closed by default)
    "$(next_day %m-%d 01-01)" # New Year's Day: the turn of a birth year
    "2028-02-29"              # a leap day
    "$(date -d '+2 years' +%F)"
  )
fi

run_one() {
  local day=$1 log started status
  log=$(mktemp)
  started=$(date +%s)
  # 10:00 UTC (11:00 or 12:00 in Copenhagen); FAKETIME_DONT_RESET keeps child processes on the parent's clock.
  FAKETIME_DONT_RESET=1 faketime -f "@${day} 10:00:00" $PYTEST -q -p no:cacheprovider ${TESTS:-} >"$log" 2>&1
  status=$?
  local summary
  summary=$(grep -E '^[0-9]+ (passed|failed)|^=+ .*(passed|failed).* =+$|[0-9]+ (passed|failed)' "$log" | tail -1 | sed 's/=//g; s/^ *//; s/ *$//')
  printf '| %s | %s | %s | %s s |\n' "$day" "$(date -d "$day" +%A)" "${summary:-no summary}" "$(( $(date +%s) - started ))"
  if [ $status -ne 0 ]; then
    cp "$log" "artifacts/test-dates-${day}.log"
    grep -E '^(FAILED|ERROR) ' "$log" | sed 's/^/    /' >&2
  fi
  rm -f "$log"
  return $status
}
export -f run_one
export PYTEST TESTS

command -v faketime >/dev/null || { echo "error: needs Debian's faketime (make browser installs it as root)" >&2; exit 1; }
mkdir -p artifacts
echo "database: $(case "${DATABASE_URL:-}" in postgresql*) echo PostgreSQL;; *) echo SQLite;; esac)"
echo "| day | weekday | result | time |"
echo "|---|---|---|---:|"
printf '%s\n' "${days[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one "$@"' _ {}
