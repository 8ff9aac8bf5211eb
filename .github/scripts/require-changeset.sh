#!/usr/bin/env bash
# Fails a pull request that changes what users get (src/, schemas/, templates/, deploy/, action.yml) without a
# changeset, the line the changelog will say. A change users cannot see is let through by the `no-changeset`
# label, which the workflow checks before running this.
# Usage: require-changeset.sh BASE   (the commit the pull request is compared with, e.g. origin/main)
set -euo pipefail
base="${1:?usage: require-changeset.sh BASE}"

changed="$(git diff --name-only "$base"...HEAD)"
user_visible="$(grep -E '^(src/|schemas/|templates/|deploy/|action\.yml$)' <<<"$changed" | grep -vE '\.test\.ts$' || true)"
if [ -z "$user_visible" ]; then
  echo "No change users can see: no changeset needed."
  exit 0
fi
added="$(git diff --name-only --diff-filter=A "$base"...HEAD -- .changeset | grep -E '^\.changeset/[^/]+\.md$' | grep -v '^\.changeset/README\.md$' || true)"
if [ -n "$added" ]; then
  echo "Changeset: $added"
  exit 0
fi
echo "::error title=No changeset::This pull request changes $(wc -l <<<"$user_visible" | tr -d ' ') file(s) users get (first: $(head -1 <<<"$user_visible")) and adds no changeset. Run \`npx changeset\`, choose patch, minor or major, write the changelog line and commit the file; or, for a change users cannot see, ask a maintainer for the no-changeset label."
exit 1
