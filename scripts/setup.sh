#!/usr/bin/env bash
# Installs the system packages the test suite needs on a fresh Debian machine, then the npm packages.
# Idempotent: skips apt when every tool is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v git >/dev/null 2>&1 || need+=(git)
command -v make >/dev/null 2>&1 || need+=(make)
command -v bash >/dev/null 2>&1 || need+=(bash)
command -v base64 >/dev/null 2>&1 || need+=(coreutils)
command -v ps >/dev/null 2>&1 || need+=(procps)
# better-sqlite3 compiles from source on install (no prebuilt download is reachable).
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# The web UI's browser tests drive Debian's chromium through playwright-core (no browser download).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Remote agents' TLS tests make a throwaway CA and certificates.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# The docker backend's tests run real containers on Podman's Docker-compatible API, push to a real
# registry, and build their base image from busybox (no public registry is reachable).
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)

if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

npm ci --no-audit --no-fund
