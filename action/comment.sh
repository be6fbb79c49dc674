#!/usr/bin/env bash
# Step 3 of action.yml: one pull-request comment, found again by its hidden marker and updated in
# place (action/comment.py). Runs even when the check failed, so the reviewer sees why.
set -euo pipefail
if [ "${INPUT_COMMENT:-true}" != "true" ]; then
  echo "comment: off"
  exit 0
fi
if [ -z "${REPORT:-}" ] || [ ! -s "$REPORT" ]; then
  echo "comment: no report (the check did not run to the end); nothing to post"
  exit 0
fi
"${TICKETCOST_VENV:?}/bin/python" "${GITHUB_ACTION_PATH:?}/action/comment.py" "$REPORT"
