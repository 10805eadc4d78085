#!/usr/bin/env bash
# Username/password exchanged for an IAM token at the emulator's IAM endpoint: module and lookup, token
# reuse, renewal after a 401, IAM errors, environment names, and no password in -vvvv output.
set -eux

# shellcheck source=tests/integration/targets/setup_fabric_emulator/emulator.sh
source ../setup_fabric_emulator/emulator.sh --user "robot:S3cret-Pa55:acme"

# These plays count IAM requests within a task and reset the emulator (which forgets its tokens) between
# cases: a token kept from an earlier task would add a refused request. The cache has its own target,
# fabric_counts_and_cache.
export DATAARTS_FABRIC_TOKEN_CACHE=false

ansible-playbook -i "${INVENTORY_PATH}" iam.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@"

# The lookup reads the environment on the controller: the Terraform names, set here for ansible-playbook.
HW_USER_NAME=robot HW_PASSWORD=S3cret-Pa55 HW_DOMAIN_NAME=acme HW_PROJECT_NAME=cn-north-4 \
DATAARTS_FABRIC_IAM_ENDPOINT="${FABRIC_EMULATOR_URL}" DATAARTS_FABRIC_ENDPOINT="${FABRIC_EMULATOR_URL}" \
    ansible-playbook -i "${INVENTORY_PATH}" lookup_env.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@"

# No password anywhere in the most verbose output, on success and on failure.
out="${OUTPUT_DIR:-/tmp}/iam-vvvv.out"
secrets="${OUTPUT_DIR:-/tmp}/iam-secrets.json"
echo '{"right_password": "S3cret-Pa55", "wrong_password": "Wr0ng-Pa55"}' >"${secrets}"
ansible-playbook -i "${INVENTORY_PATH}" secrets.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" -e "@${secrets}" \
    -vvvv >"${out}" 2>&1
grep -q 'The username or password is wrong' "${out}"
if grep -q -e 'S3cret-Pa55' -e 'Wr0ng-Pa55' "${out}"; then
    echo 'a password appears in the -vvvv output' >&2
    exit 1
fi
