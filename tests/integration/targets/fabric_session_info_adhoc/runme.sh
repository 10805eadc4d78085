#!/usr/bin/env bash
# fabric_session_info as an ad-hoc command, the connection from environment variables.
set -eux

# shellcheck source-path=SCRIPTDIR
source ../setup_fabric_emulator/emulator.sh

export DATAARTS_FABRIC_ENDPOINT="${FABRIC_EMULATOR_URL}"
export DATAARTS_FABRIC_AUTH_TOKEN=emulator-token
# ansible-core has no json stdout callback any more (it is in ansible.posix): the default callback
# prints "HOST | SUCCESS => {json}" for ad-hoc commands, which check_adhoc.py parses.
export ANSIBLE_STDOUT_CALLBACK=default
export ANSIBLE_CALLBACK_RESULT_FORMAT=json
export ANSIBLE_NOCOLOR=1
out="$(mktemp -d "${OUTPUT_DIR:-/tmp}/adhoc.XXXXXX")"

# Success: the FAIL sessions of ws-demo.
ansible -i "${INVENTORY_PATH}" localhost -m dataarts.fabric.fabric_session_info \
    -a 'workspace_id=ws-demo status=FAIL' "$@" >"${out}/ok.txt" 2>&1
cat "${out}/ok.txt"
python check_adhoc.py success "${out}/ok.txt" "${FABRIC_EMULATOR_URL}"

# Failure: an unknown workspace exits non-zero with the service's error in the output.
rc=0
ansible -i "${INVENTORY_PATH}" localhost -m dataarts.fabric.fabric_session_info \
    -a 'workspace_id=ws-no-such-workspace' "$@" >"${out}/fail.txt" 2>&1 || rc=$?
cat "${out}/fail.txt"
if [[ "${rc}" -eq 0 ]]; then
    echo "the failing ad-hoc call exited 0" >&2
    exit 1
fi
python check_adhoc.py failure "${out}/fail.txt" "${FABRIC_EMULATOR_URL}"

# A wrong token given as a module argument: the gateway's 401, found with grep.
rc=0
ansible -i "${INVENTORY_PATH}" localhost -m dataarts.fabric.fabric_session_info \
    -a 'workspace_id=ws-empty auth_token=wrong-token' "$@" >"${out}/401.txt" 2>&1 || rc=$?
cat "${out}/401.txt"
[[ "${rc}" -ne 0 ]]
grep -q 'localhost | FAILED' "${out}/401.txt"
grep -q 'HTTP 401' "${out}/401.txt"
grep -q 'APIG.1002' "${out}/401.txt"
grep -q 'Incorrect token or token resolution failed' "${out}/401.txt"
if grep -q 'wrong-token' "${out}/401.txt"; then
    echo "the token given as an argument appears in the output" >&2
    exit 1
fi

rm -rf "${out}"
