#!/usr/bin/env bash
# Listings that stay whole, or say so: offsets counted as records or as pages from 0 or 1, sessions leaving the
# status being paged, a service whose total its pages never reach. Extra arguments go to ansible-playbook.
set -eux

# shellcheck source-path=SCRIPTDIR
source ../setup_fabric_emulator/emulator.sh --workspace ws-437=437

ansible-playbook -i "${INVENTORY_PATH}" whole.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@"
