#!/usr/bin/env bash
# count_only through the module and the lookup, the lookup over many workspaces side by side, and the IAM
# token cache across tasks, lookups and plays. Extra arguments go to ansible-playbook.
set -eux

# shellcheck source-path=SCRIPTDIR
source ../setup_fabric_emulator/emulator.sh --workspace ws-100k=100000

ansible-playbook -i "${INVENTORY_PATH}" counts.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@"
ansible-playbook -i "${INVENTORY_PATH}" token_cache.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" -e expect_issued=1 "$@"
# A second play while the token is valid asks IAM for none.
ansible-playbook -i "${INVENTORY_PATH}" token_cache.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" -e expect_issued=1 \
    -e keep_log=true "$@"
# Turned off, every task asks IAM, and the lookups of one task share the client of their process.
DATAARTS_FABRIC_TOKEN_CACHE=false \
    ansible-playbook -i "${INVENTORY_PATH}" token_cache.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" -e expect_issued=4 "$@"
