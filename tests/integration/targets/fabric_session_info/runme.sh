#!/usr/bin/env bash
# fabric_session_info against the emulator: auth, filters, paging, errors, retries, input checks, the wait.
# Extra arguments go to ansible-playbook (for example -vvv, or --tags).
set -eux

# shellcheck source-path=SCRIPTDIR
source ../setup_fabric_emulator/emulator.sh

ansible-playbook -i "${INVENTORY_PATH}" all.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@"
