#!/usr/bin/env bash
# The publish half of a release, run by changesets/action once the version pull request is merged: publishes
# the version in package.json to npm unless it is there already (trusted publishing: the workflow's OIDC token,
# no npm token; provenance from publishConfig), tags it vX.Y.Z and moves vX, the tag the Action is used by.
# Prints "New tag: vX.Y.Z", which changesets/action reads to know a release went out. What it publishes is the
# tarball the package job built, tested and packed (PUBLISH_TARBALL_DIR), never a build of its own, and only when
# that tarball is this version's.
# Environment: PUBLISH_TARBALL_DIR, NPM_PUBLISH_FLAGS (e.g. --dry-run for a rehearsal), PUBLISH_REMOTE (origin).
set -euo pipefail
# shellcheck source=.github/scripts/workflow-commands.sh
. "$(dirname "$0")/workflow-commands.sh"
remote="${PUBLISH_REMOTE:-origin}"
name="$(node -p "require('./package.json').name")"
version="$(node -p "require('./package.json').version")"
major="v${version%%.*}"

if [ -z "${NPM_PUBLISH_FLAGS:-}" ] && npm view "$name@$version" version >/dev/null 2>&1; then
  echo "$name@$version is on the registry already: nothing to publish."
  exit 0
fi
tarballs=("${PUBLISH_TARBALL_DIR:?the folder of the tarball the package job packed}"/*.tgz)
if [ "${#tarballs[@]}" -ne 1 ] || [ ! -f "${tarballs[0]}" ]; then
  echo "::error title=No tarball::$(escape_data "$PUBLISH_TARBALL_DIR must hold exactly one tarball, the one CI tested.")" >&2
  exit 1
fi
# A path, not a name: npm reads package/x.tgz as a GitHub repository.
tarball="$(realpath "${tarballs[0]}")"
packed="$(tar -xOzf "$tarball" package/package.json | node -p "JSON.parse(require('fs').readFileSync(0, 'utf8')).version")"
if [ "$packed" != "$version" ]; then
  echo "::error title=Wrong tarball::$(escape_data "$tarball is version $packed, and this release is $version.")" >&2
  exit 1
fi
# shellcheck disable=SC2086 # the flags are words to split
npm publish "$tarball" ${NPM_PUBLISH_FLAGS:-}
git tag "v$version"
git tag --force "$major" "v$version"
git push "$remote" "v$version"
git push --force "$remote" "$major"
echo "New tag: v$version"
