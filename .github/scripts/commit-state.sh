#!/usr/bin/env bash
# Commits the state and audit log back to the branch after apply or refresh, as a bot, with [skip ci].
# A push that races another one is rebased and retried: state.json merges with `cxone-exports state merge`
# and audit.jsonl by union (.gitattributes), so no run's state or audit lines are lost. When the push still
# fails, it says so loudly and exits 1; the workflow uploads the files as an artifact either way.
#
# Usage: commit-state.sh "commit message"
# Which files hold the state is the backend's business: `cxone-exports state commit-files` names them (none for
# a backend that keeps the state elsewhere).
# Environment: COMMIT_REMOTE (origin), COMMIT_BRANCH (the current branch),
#              COMMIT_ATTEMPTS (5), COMMIT_USER_NAME, COMMIT_USER_EMAIL.
set -euo pipefail

message="${1:-cxone-exports: record state}"
remote="${COMMIT_REMOTE:-origin}"
branch="${COMMIT_BRANCH:-$(git rev-parse --abbrev-ref HEAD)}"
attempts="${COMMIT_ATTEMPTS:-5}"

git config user.name "${COMMIT_USER_NAME:-cxone-exports[bot]}"
git config user.email "${COMMIT_USER_EMAIL:-cxone-exports-bot@users.noreply.github.com}"
git config merge.cxone-exports-state.name "cxone-exports state merge"
git config merge.cxone-exports-state.driver "cxone-exports state merge %O %A %B"

# state.json, audit.jsonl, and state.wal when a crash mid-run left one (or its removal), so nothing is lost.
# Named one by one: the lock, the backup and any temp file a crash left behind are never committed.
files="$(cxone-exports state commit-files)"
paths=()
while IFS= read -r path; do
  [ -n "$path" ] || continue
  if [ -e "$path" ] || git ls-files --error-unmatch -- "$path" >/dev/null 2>&1; then paths+=("$path"); fi
done <<<"$files"

if [ "${#paths[@]}" -eq 0 ]; then
  echo "No state to commit."
  exit 0
fi
git add --all -- "${paths[@]}"
if git diff --cached --quiet; then
  echo "The state did not change; nothing to commit."
  exit 0
fi
git commit --quiet -m "$message [skip ci]"

for attempt in $(seq 1 "$attempts"); do
  if git push --quiet "$remote" "HEAD:$branch"; then
    echo "Committed the state to $branch (attempt $attempt)."
    exit 0
  fi
  echo "The push was rejected (attempt $attempt of $attempts): rebasing onto $remote/$branch."
  if ! git pull --quiet --rebase "$remote" "$branch"; then
    git rebase --abort || true
    echo "::error title=cxone-exports state::Rebasing the state onto $remote/$branch failed; the state and audit log are in this run's artifact."
    exit 1
  fi
  sleep $((attempt * 2))
done

echo "::error title=cxone-exports state::Could not push the state to $branch after $attempts attempts; the state and audit log are in this run's artifact."
exit 1
