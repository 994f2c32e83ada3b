#!/usr/bin/env bash
# Installs the Debian packages the host tests run for real, given as arguments (setup.sh lists
# them: docker-registry and apache2-utils' htpasswd for the OCI tests, prometheus for metrics,
# busybox for the wget and sh of the embedded Prometheus' container).
# Skips quietly when all are installed; otherwise runs `apt-get update` once and installs only
# what is missing (as root), without letting the packages' services start: the tests start their
# own instances on free loopback ports, and a packaged service would take the default ports.
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }
PACKAGES=("$@")

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

missing=()
for package in "${PACKAGES[@]}"; do
  installed "$package" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-apt: ${PACKAGES[*]} already installed"
  exit 0
fi
# Root, or a sudo that asks no password (hosted CI runners).
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "install-apt: ${missing[*]} missing; run this script as root (apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  "${as_root[@]}" sh -c "printf '#!/bin/sh\\nexit 101\\n' >$policy && chmod 755 $policy"
  trap '"${as_root[@]}" rm -f "$policy"' EXIT
fi

echo "install-apt: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for package in "${missing[@]}"; do
  installed "$package" || { echo "install-apt: $package did not install" >&2; exit 1; }
done
echo "install-apt: installed ${missing[*]}"
