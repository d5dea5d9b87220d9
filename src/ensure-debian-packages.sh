#!/usr/bin/env bash
# Installs the Debian packages named as arguments when any is missing. Called by the build
# (Directory.Build.targets); quick when everything is present.
set -euo pipefail
command -v dpkg-query >/dev/null 2>&1 || {
  echo "parity: not a Debian system; make sure these are installed: $*" >&2
  exit 0
}
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "parity: missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "parity: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Several projects may build in parallel; wait for each other's dpkg lock instead of failing.
apt-get -o DPkg::Lock::Timeout=900 update -qq
apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${missing[@]}" >/dev/null
echo "parity: installed ${missing[*]}"
