#!/usr/bin/env bash
# Installs the Debian packages named as arguments when any is missing. Called by the build
# (Directory.Build.targets); quick when everything is present.
#
# Several projects build in parallel and each may call this. apt's own locks do not serialise them:
# DPkg::Lock::Timeout waits for dpkg's lock but not for the lists lock of `apt-get update`, and a
# second update fails at once (exit 100). So the whole install runs under one lock of ours, and what
# is missing is looked up again once the lock is held: the builds that waited find it installed.
set -euo pipefail

missing_of() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
  done
}

command -v dpkg-query >/dev/null 2>&1 || {
  echo "parity: not a Debian system; make sure these are installed: $*" >&2
  exit 0
}
missing=($(missing_of "$@"))
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "parity: missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

exec 9>/var/lock/parity-debian-packages.lock
flock 9
missing=($(missing_of "$@"))
[ ${#missing[@]} -eq 0 ] && exit 0
echo "parity: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Another apt client (not ours) may still hold apt's locks for a while: wait for dpkg's, retry the update.
for attempt in 1 2 3 4 5 6; do
  apt-get -o DPkg::Lock::Timeout=900 update -qq && break
  [ "$attempt" -eq 6 ] && { echo "parity: apt-get update failed; run it by hand, then build again" >&2; exit 1; }
  sleep 10
done
apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${missing[@]}" >/dev/null
echo "parity: installed ${missing[*]}"
