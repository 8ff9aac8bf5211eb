#!/usr/bin/env bash
# The Action's inputs, checked before anything runs or any file is touched (sourced by action-run.sh and
# action-commit-back.sh). The workflow's author writes them, but an environment name ends up in a path, the
# sections in a command line and the command in a workflow command: each is held to what it may be. A refusal
# is one ::error line, its text escaped as workflow commands require, and exit 1.

# Environment names as the config allows them (schemas/config.schema.json, environments' propertyNames).
ENVIRONMENT_NAME='^[a-z][a-z0-9-]{0,31}$'

# shellcheck source=.github/scripts/workflow-commands.sh
. "$(dirname "${BASH_SOURCE[0]}")/workflow-commands.sh"

refuse_input() {
  echo "::error title=cxone-exports::$(escape_data "$1")"
  exit 1
}

check_action_inputs() {
  local command="${INPUT_COMMAND:-}" environment="${INPUT_ENVIRONMENT:-}" section
  case "$command" in
    plan | apply | refresh | schedule) ;;
    *) refuse_input "The input command is \"$command\"; it takes plan, apply, refresh or schedule." ;;
  esac
  if [ -n "$environment" ] && ! [[ "$environment" =~ $ENVIRONMENT_NAME ]]; then
    refuse_input "The input environment is \"$environment\"; it takes the name of an environment of the config (lower-case letters, digits and -, starting with a letter), all (plan only) or nothing."
  fi
  if [ "$environment" = all ] && [ "$command" != plan ]; then
    refuse_input "The input environment is all, which only plan takes; $command acts on one environment."
  fi
  for flag in WAIT COMMENT; do
    local name="INPUT_$flag"
    case "${!name:-}" in
      '' | true | false) ;;
      *) refuse_input "The input ${flag,,} is \"${!name}\"; it takes true or false." ;;
    esac
  done
  # Read as words, never as patterns: no globbing.
  read -r -a SECTIONS <<< "${INPUT_SECTIONS:-}"
  for section in "${SECTIONS[@]}"; do
    [[ "$section" =~ $ENVIRONMENT_NAME ]] ||
      refuse_input "The input sections holds \"$section\"; it takes environment names separated by spaces."
  done
}
