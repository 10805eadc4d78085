#!/usr/bin/env bash
# fabric_session against the emulator: closing one session (idempotent), closing by status and age, check mode,
# diff, keeping or creating a RUNNING session, a creation that fails, a failure partway; then the example playbook
# examples/close_stuck_sessions.yml with --check --diff. Extra arguments go to ansible-playbook.
set -eux

# shellcheck source-path=SCRIPTDIR
source ../setup_fabric_emulator/emulator.sh

ansible-playbook -i "${INVENTORY_PATH}" all.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@"

# The example as its header says to run it first: check mode and diff show the sessions it would close.
root="$(dirname "$(dirname "$(dirname "$(fabric_emulator_script)")")")"
ansible-playbook -i "${INVENTORY_PATH}" example.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" -e step=prepare "$@"
output="$(DATAARTS_FABRIC_ENDPOINT="${FABRIC_EMULATOR_URL}" DATAARTS_FABRIC_AUTH_TOKEN=emulator-token \
    ansible-playbook -i "${INVENTORY_PATH}" "${root}/examples/close_stuck_sessions.yml" \
    -e fabric_workspace_id=ws-stuck --check --diff "$@")"
echo "${output}"
# the diff names the two sessions stuck for more than 30 minutes, and only them
grep -q -- '-        "stuck-creating": "CREATING"' <<<"${output}"
grep -q -- '-        "stuck-waiting": "WAITING"' <<<"${output}"
if grep -q 'recent-waiting' <<<"${output}"; then exit 1; fi
ansible-playbook -i "${INVENTORY_PATH}" example.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" -e step=verify "$@"
