#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for the end-to-end browser tests, which
# drive it with npm:playwright-core. Playwright never downloads a browser of its own here:
# its download hosts are out of reach, and Debian's build is the one the tests launch.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
