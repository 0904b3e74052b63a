#!/usr/bin/env bash
# Builds the `canvas` Node-API addon that chartjs-node-canvas (PNG charts) needs, on a
# Debian machine that reaches only the npm registry and Debian's packages: the addon's
# prebuilt binaries are downloaded from elsewhere, so it is compiled from source.
set -euo pipefail
cd "$(dirname "$0")/.."
DENO="${DENO:-npx -y deno@2.9.6}"

need=()
for p in libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v node-gyp >/dev/null 2>&1 || npm i -g node-gyp >/dev/null 2>&1
# node-gyp would download Node's headers; the machine's own are in /usr.
export npm_config_nodedir=/usr
$DENO install --allow-scripts=npm:canvas --entrypoint src/charts/render.ts
