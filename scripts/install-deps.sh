#!/bin/sh
# Installs every system package papi-virt needs to build, test and run its VM lab
# on Debian 12. Idempotent: packages already present are left alone by apt-get.
set -eu

if [ "$(id -u)" != 0 ]; then
    echo "install-deps.sh: must run as root (apt-get install)" >&2
    exit 1
fi

PACKAGES="
 build-essential autoconf automake pkg-config dpkg-dev patch rsync
 libvirt-dev libpfm4-dev check libjson-c-dev libmicrohttpd-dev libyaml-dev libcrypt-dev
 papi-tools libpapi-dev
 libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
 qemu-system-x86 busybox-static cpio
 prometheus curl openssl apache2-utils systemd chromium
 valgrind strace python3 xz-utils
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    apt-get install -y -q --no-install-recommends $missing
fi

# libvirt's Debian package starts a system libvirtd only under an init system;
# the lab starts its own private daemon, so nothing else is configured here.
echo "install-deps.sh: all packages present"
