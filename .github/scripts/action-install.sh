#!/usr/bin/env bash
# The Action's install step: puts the cxone-exports this repository pins on the PATH.
#   1. The repository's lock file pins cxone-exports: `npm ci` (unless node_modules holds that version already,
#      restored from a cache), and its node_modules/.bin.
#   2. This is cxone-exports' own repository: built from source.
#   3. Otherwise the version asked for (input `version`), else the Action's own, in a folder of the runner's.
# Environment: INPUT_VERSION, GITHUB_ACTION_PATH, RUNNER_TEMP, GITHUB_PATH.
set -euo pipefail

pinned_version() {
  [ -f package-lock.json ] &&
    node -p "require('./package-lock.json').packages?.['node_modules/cxone-exports']?.version ?? ''"
}
installed_version() {
  node -p "require('./node_modules/cxone-exports/package.json').version" 2>/dev/null || true
}

pinned="$(pinned_version || true)"
if [ -n "$pinned" ]; then
  if [ "$(installed_version)" != "$pinned" ]; then npm ci --no-audit --no-fund; fi
  echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"
  echo "cxone-exports $(node -p "require('./node_modules/cxone-exports/package.json').version"), as package-lock.json pins it."
elif [ -f package.json ] && [ "$(node -p "require('./package.json').name")" = "cxone-exports" ]; then
  npm ci --no-audit --no-fund
  npm run build --silent
  bin="${RUNNER_TEMP:?}/cxone-exports-bin"
  mkdir -p "$bin"
  printf '#!/bin/sh\nexec node "%s/dist/cli/main.js" "$@"\n' "$PWD" > "$bin/cxone-exports"
  chmod +x "$bin/cxone-exports"
  echo "$bin" >> "$GITHUB_PATH"
  echo "cxone-exports built from this repository."
else
  version="${INPUT_VERSION:-}"
  if [ -z "$version" ]; then version="$(node -p "require('${GITHUB_ACTION_PATH:?}/package.json').version")"; fi
  prefix="${RUNNER_TEMP:?}/cxone-exports"
  npm install --no-audit --no-fund --no-save --prefix "$prefix" "cxone-exports@$version"
  echo "$prefix/node_modules/.bin" >> "$GITHUB_PATH"
  echo "cxone-exports $version (no lock file pins it: add it with npm install --save-dev cxone-exports)."
fi
