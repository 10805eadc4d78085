#!/usr/bin/env bash
# SQL endpoints: fabric_endpoint_info, and endpoint_name on the module and the lookup, against the emulator's
# ListEndpoints (fuzzy name filter, names it refuses, other owners' PUBLIC endpoints, paging). Extra arguments go
# to ansible-playbook.
set -eux

# shellcheck source-path=SCRIPTDIR
source ../setup_fabric_emulator/emulator.sh

ansible-playbook -i "${INVENTORY_PATH}" endpoints.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@"
