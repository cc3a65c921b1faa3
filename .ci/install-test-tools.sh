#!/usr/bin/env bash
# Debian packages the tests drive: chromium for the browser tests (Playwright drives it; no browser
# download of its own), wrk for the HTTP benchmark's smoke test and faketime (libfaketime) for the suite at
# other dates (`make test-dates`, and one far date in CI).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "error: the tests need Debian's ${missing[*]}: run 'apt-get install ${missing[*]}' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
