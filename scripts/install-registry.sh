#!/usr/bin/env bash
# Installs what the OCI host tests push to and log in with: Debian's docker-registry (a local
# registry on a free loopback port) and apache2-utils (htpasswd, for the registry's bcrypt logins).
# Skips quietly when both are installed; otherwise runs `apt-get update` once and installs only
# what is missing (as root), without letting the registry's own service start.
set -euo pipefail

PACKAGES=(docker-registry apache2-utils)

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

missing=()
for package in "${PACKAGES[@]}"; do
  installed "$package" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-registry: ${PACKAGES[*]} already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-registry: ${missing[*]} missing; run this script as root (apt-get install ${missing[*]})" >&2
  exit 1
fi

# The tests start their own registry on a free port: keep the package's service from taking :5000.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi

echo "install-registry: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for package in "${missing[@]}"; do
  installed "$package" || { echo "install-registry: $package did not install" >&2; exit 1; }
done
echo "install-registry: installed ${missing[*]}"
