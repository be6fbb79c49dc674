#!/usr/bin/env bash
# Step 1 of action.yml: a virtual environment with ticketcost installed from the action's own
# checkout ($GITHUB_ACTION_PATH), named to later steps through $GITHUB_ENV.
set -euo pipefail
venv="${RUNNER_TEMP:?}/ticketcost-venv"
"${INPUT_PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${GITHUB_ACTION_PATH:?}"
echo "TICKETCOST_VENV=$venv" >> "${GITHUB_ENV:?}"
"$venv/bin/ticketcost" --version
