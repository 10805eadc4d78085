#!/usr/bin/env bash
# No secret reaches the output, even at -vvvv, on success or failure, for the module and the lookup;
# nor the emulator's request log.
set -eux

# Distinctive values, so that any leak (whole value) is found by grep.
token='nolog-T0ken-5f2c9a71e0d4'
wrong_token='nolog-Wr0ngT0ken-88d1be70'
access_key='NOLOGACCESSKEY0001'
secret_key='nolog-S3cretKey-0b7e4d21c9'
wrong_secret_key='nolog-Wr0ngS3cret-c41a6f03'
security_token='nolog-S3curityT0ken-9a3f5e18'

# shellcheck source-path=SCRIPTDIR
source ../setup_fabric_emulator/emulator.sh --token "${token}" --access-key "${access_key}" \
    --secret-key "${secret_key}" --security-token "${security_token}"

out="$(mktemp -d "${OUTPUT_DIR:-/tmp}/no_log.XXXXXX")"
# The secrets reach the play through a vars file: nothing prints it, not even -vvvv.
cat >"${out}/secrets.yml" <<YAML
nolog_token: '${token}'
nolog_wrong_token: '${wrong_token}'
nolog_access_key: '${access_key}'
nolog_secret_key: '${secret_key}'
nolog_wrong_secret_key: '${wrong_secret_key}'
nolog_security_token: '${security_token}'
YAML

# Print the play's output only after the check below: set -x must not echo secrets into the log
# either, so the grep patterns come from a file.
rc=0
ansible-playbook -i "${INVENTORY_PATH}" no_log.yml -vvvv -e "emulator_url=${FABRIC_EMULATOR_URL}" \
    -e "@${out}/secrets.yml" "$@" >"${out}/play.txt" 2>&1 || rc=$?

fabric_emulator_save_log "${out}/emulator-log.json"

set +x
printf '%s\n' "${token}" "${wrong_token}" "${secret_key}" "${wrong_secret_key}" "${security_token}" >"${out}/secrets.txt"
leaks=0
for file in play.txt emulator-log.json; do
    if grep -n -F -f "${out}/secrets.txt" "${out}/${file}" >"${out}/leaks.txt"; then
        echo "SECRET LEAKED in ${file}:" >&2
        # show where, with the secret itself masked
        sed -e 's/nolog-[A-Za-z0-9-]*/<SECRET>/g' "${out}/leaks.txt" >&2
        leaks=1
    fi
done
set -x

# The play must have run (and passed its own checks), and run at -vvvv with the secrets in use.
tail -n 5 "${out}/play.txt"
[[ "${rc}" -eq 0 ]]
grep -q 'ESTABLISH LOCAL CONNECTION' "${out}/play.txt"
grep -q 'AnsiballZ_fabric_session_info' "${out}/play.txt"
grep -q 'Everything ran as intended' "${out}/play.txt"
grep -q '"X-Auth-Token": *"REDACTED"' "${out}/emulator-log.json"
grep -q '"X-Security-Token": *"REDACTED"' "${out}/emulator-log.json"
grep -q "Access=${access_key}" "${out}/emulator-log.json"
[[ "${leaks}" -eq 0 ]]
rm -rf "${out}"
