#!/usr/bin/env bash
# The Action's commit-back: after apply, refresh or the schedule, whatever they did, the state and audit lines
# are committed to the branch where the backend keeps them in files (the local backend); elsewhere there is
# nothing to commit. Environment: INPUT_COMMAND, INPUT_ENVIRONMENT, RUN_ID.
set -euo pipefail

# It runs even when the command step failed: on inputs that step refused, it touches nothing either.
# shellcheck source=.github/scripts/action-inputs.sh
. "$(dirname "$0")/action-inputs.sh"
check_action_inputs
command="${INPUT_COMMAND:-}"
environment="${INPUT_ENVIRONMENT:-}"
case "$command" in
  apply) what="cxone-exports apply${environment:+ to $environment}" ;;
  schedule) what="cxone-exports scheduled apply${environment:+ to $environment}" ;;
  refresh) what="cxone-exports refresh${environment:+ of $environment}" ;;
  *) exit 0 ;;
esac
# Which environment's files: the one the command acted on.
if [ -n "$environment" ]; then export CXONE_EXPORTS_ENV="$environment"; fi
"$(dirname "$0")/commit-state.sh" "$what, run ${RUN_ID:-local}"
