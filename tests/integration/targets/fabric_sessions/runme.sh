#!/usr/bin/env bash
# The fabric_sessions lookup against the emulator. Extra arguments go to ansible-playbook.
set -eux

# shellcheck source-path=SCRIPTDIR
source ../setup_fabric_emulator/emulator.sh

ansible-playbook -i "${INVENTORY_PATH}" lookup.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@"

# Connection options from the environment of the controller (the `environment:` keyword only
# reaches modules, never lookups, which run in the ansible-playbook process).
DATAARTS_FABRIC_ENDPOINT="${FABRIC_EMULATOR_URL}" DATAARTS_FABRIC_AUTH_TOKEN=emulator-token \
    ansible-playbook -i "${INVENTORY_PATH}" lookup_env.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" -e env_auth=token "$@"

DATAARTS_FABRIC_ENDPOINT="${FABRIC_EMULATOR_URL}" HUAWEICLOUD_SDK_AK=EMULATORAK HUAWEICLOUD_SDK_SK=EMULATORSK \
    HW_PROJECT_ID=project-from-env HW_SECURITY_TOKEN=security-token-from-env \
    ansible-playbook -i "${INVENTORY_PATH}" lookup_env.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" -e env_auth=aksk "$@"
