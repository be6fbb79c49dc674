#!/usr/bin/env bash
# Step 2 of action.yml: run `ticketcost check`. Under GitHub Actions the command itself appends
# its markdown summary to $GITHUB_STEP_SUMMARY and prints ::error/::warning annotations on the
# budget's line in the config. The markdown report is also kept for the comment step; the step's
# exit code is the check's (1 a budget exceeded, 2 bad input).
set -uo pipefail
tc="${TICKETCOST_VENV:?install.sh sets it}/bin/ticketcost"
report="${RUNNER_TEMP:?}/ticketcost-check.md"
args=()
if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); fi
if [ "${INPUT_ALLOW_NO_BUDGETS:-false}" = "true" ]; then args+=(--allow-no-budgets); fi
baseline="${INPUT_BASELINE:-}"
if [ -z "$baseline" ] && [ -n "${INPUT_BASE_REF:-}" ]; then
  # The config as it is on the base branch, priced now: the increase budgets' baseline.
  config="${INPUT_CONFIG:-ticketcost.yaml}"
  base="$RUNNER_TEMP/ticketcost-base-${config##*/}"
  if git fetch --quiet --depth=1 origin "$INPUT_BASE_REF" 2>/dev/null &&
    git show "FETCH_HEAD:$config" > "$base" 2>/dev/null; then
    baseline="$base"
    echo "Baseline: $config on $INPUT_BASE_REF"
  else
    echo "No baseline: $config is not on $INPUT_BASE_REF (a new config); increase budgets skipped"
  fi
fi
if [ -n "$baseline" ]; then args+=(--baseline "$baseline"); fi
"$tc" check "${args[@]}" --format markdown > "$report"
code=$?
cat "$report"
{
  echo "exit-code=$code"
  echo "report=$report"
} >> "${GITHUB_OUTPUT:?}"
exit "$code"
