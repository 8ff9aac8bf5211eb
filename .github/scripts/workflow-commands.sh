#!/usr/bin/env bash
# Writing GitHub workflow commands (sourced by the scripts that print them): what a file or an input supplies is
# escaped as workflow-command data first.

# Workflow-command data: %, CR and LF would end the message or start another command.
escape_data() {
  local value="$1"
  value="${value//'%'/%25}"
  value="${value//$'\r'/%0D}"
  value="${value//$'\n'/%0A}"
  printf '%s' "$value"
}
