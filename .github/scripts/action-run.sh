#!/usr/bin/env bash
# The Action's command step. Environment: INPUT_COMMAND (plan, apply, refresh, schedule), INPUT_ENVIRONMENT
# (an environment of the config, `all` for plan, or empty), INPUT_WAIT (apply: wait for the executions),
# INPUT_COMMENT (plan: false leaves the plan in cxone-exports-plan/ENV.md for a later job to post),
# INPUT_SECTIONS (plan: the environments whose plans earlier jobs left in cxone-exports-plan/, put together).
# The files it leaves: cxone-exports.plan.md (and .plan.json), cxone-exports.apply.jsonl, .schedule.jsonl.
set -euo pipefail

# shellcheck source=.github/scripts/action-inputs.sh
. "$(dirname "$0")/action-inputs.sh"
check_action_inputs
command="$INPUT_COMMAND"
environment="${INPUT_ENVIRONMENT:-}"
env_flag=()
if [ -n "$environment" ]; then env_flag=(--env "$environment"); fi

# A matrix job of many environments has one GitHub environment, whose secrets are named alike for every tenant
# (CXONE_CLIENT_ID, …) and reach this step as CXONE_JOB_*: they are handed to the command under this
# environment's own names (CXONE_ACME_PRODUCTION_CLIENT_ID), unless those are set. Only this one environment's.
if [ -n "$environment" ] && [ "$environment" != all ]; then
  prefix="CXONE_$(printf '%s' "$environment" | tr 'a-z-' 'A-Z_')_"
  for name in CLIENT_ID CLIENT_SECRET ACCESS_KEY_ID ACCESS_KEY_SECRET CALLBACK_TOKEN; do
    own="$prefix$name"
    shared="CXONE_JOB_$name"
    if [ -z "${!own:-}" ] && [ -n "${!shared:-}" ]; then export "$own=${!shared}"; fi
  done
fi

case "$command" in
  plan)
    if ! cxone-exports validate --format github; then
      # A plan comment from an earlier push must not stay up as if still true: the failure replaces it.
      cxone-exports validate --format markdown > cxone-exports.plan.md || true
      exit 1
    fi
    if [ "${#SECTIONS[@]}" -gt 0 ]; then
      "$(dirname "$0")/plan-comment.sh" "${SECTIONS[@]}" > cxone-exports.plan.md
    elif [ "${INPUT_COMMENT:-true}" = false ]; then
      mkdir -p cxone-exports-plan
      outputs="$(mktemp)"
      GITHUB_OUTPUT="$outputs" cxone-exports "${env_flag[@]}" plan --markdown > "cxone-exports-plan/$environment.md"
      cat "$outputs" >> "${GITHUB_OUTPUT:-/dev/null}"
      if grep -q '^has_changes=true$' "$outputs"; then echo true; else echo false; fi \
        > "cxone-exports-plan/$environment.changes"
    elif [ "$environment" = all ]; then
      cxone-exports --env all plan --markdown > cxone-exports.plan.md
    else
      cxone-exports "${env_flag[@]}" plan --markdown --out cxone-exports.plan.json > cxone-exports.plan.md
    fi
    ;;
  apply | schedule)
    wait_flag=()
    if [ "${INPUT_WAIT:-false}" = true ]; then wait_flag=(--wait); fi
    # The schedule fires ticks, nothing else: a merged change waits for the apply its reviewers approve.
    schedule_flag=()
    if [ "$command" = schedule ]; then schedule_flag=(--schedule-only); fi
    cxone-exports "${env_flag[@]}" apply --auto-approve "${wait_flag[@]}" "${schedule_flag[@]}" --json --lock-timeout 5m |
      tee "cxone-exports.$command.jsonl"
    ;;
  refresh)
    cxone-exports "${env_flag[@]}" refresh --lock-timeout 5m
    ;;
esac
