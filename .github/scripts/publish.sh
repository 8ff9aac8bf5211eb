#!/usr/bin/env bash
# The publish half of a release, run by changesets/action once the version pull request is merged: publishes
# the version in package.json to npm unless it is there already (trusted publishing: the workflow's OIDC token,
# no npm token; provenance from publishConfig), tags it vX.Y.Z and moves vX, the tag the Action is used by.
# Prints "New tag: vX.Y.Z", which changesets/action reads to know a release went out.
# Environment: NPM_PUBLISH_FLAGS (e.g. --dry-run for a rehearsal), PUBLISH_REMOTE (origin).
set -euo pipefail
remote="${PUBLISH_REMOTE:-origin}"
name="$(node -p "require('./package.json').name")"
version="$(node -p "require('./package.json').version")"
major="v${version%%.*}"

if [ -z "${NPM_PUBLISH_FLAGS:-}" ] && npm view "$name@$version" version >/dev/null 2>&1; then
  echo "$name@$version is on the registry already: nothing to publish."
  exit 0
fi
# shellcheck disable=SC2086 # the flags are words to split
npm publish ${NPM_PUBLISH_FLAGS:-}
git tag "v$version"
git tag --force "$major" "v$version"
git push "$remote" "v$version"
git push --force "$remote" "$major"
echo "New tag: v$version"
