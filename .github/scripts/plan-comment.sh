#!/usr/bin/env bash
# Puts the plans of several environments together into one pull-request comment: the marker and the title once,
# then a section per environment, in the order given. Each environment's plan job left, in cxone-exports-plan/,
# NAME.md (its `cxone-exports --env NAME plan --markdown`) and NAME.changes (`true` when it plans changes). A plan
# that is missing says its job failed. Sets the step output has_changes when any environment has changes.
#
# Usage: plan-comment.sh ENVIRONMENT... > cxone-exports.plan.md
set -euo pipefail

dir="${PLAN_DIR:-cxone-exports-plan}"
changes=false
echo '<!-- cxone-exports-plan -->'
echo '### cxone-exports plan'
for environment in "$@"; do
  printf '\n#### %s\n\n' "$environment"
  if [ -s "$dir/$environment.md" ]; then
    # Everything after the plan's own marker and title.
    sed '1,/^### cxone-exports plan$/d' "$dir/$environment.md" | sed '/./,$!d'
  else
    echo "**The plan of $environment failed**: its job's log says why."
  fi
  if [ "$(cat "$dir/$environment.changes" 2>/dev/null || true)" = true ]; then changes=true; fi
done
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "has_changes=$changes" >> "$GITHUB_OUTPUT"; fi
