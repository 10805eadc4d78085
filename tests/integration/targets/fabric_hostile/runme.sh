#!/usr/bin/env bash
# fabric_session_info and fabric_sessions against a hostile service (the emulator's faults): pages that lie,
# bodies that are huge, deep or full of terminal escapes, odd headers and IAM answers, secrets quoted back,
# a proxy with a password, and values refused before any request.
# Extra arguments go to ansible-playbook (for example -vvv).
set -eux

out="$(mktemp -d "${OUTPUT_DIR:-/tmp}/hostile.XXXXXX")"

# Distinctive secrets, each with characters that change when percent-encoded ('+', '/', '=', '@') or
# JSON-escaped ('"', '\'), so that a leak in any of those forms is found. Not echoed by set -x.
set +x
token='hostile-T0ken+4b8e/Zq='
password='H0stile"Pa55\w0rd:8c1d'
proxy_password='PA55@w0rd-hostile-3e7a'
wrong_proxy_password='Wr0ng-PA55/hostile-51b9'
python - "${out}/secrets.json" "${out}/forms.txt" "${token}" "${password}" "${proxy_password}" \
    "${wrong_proxy_password}" <<'PYEOF'
import json
import sys
from urllib.parse import quote, quote_plus

secrets_file, forms_file, token, password, proxy_password, wrong_proxy_password = sys.argv[1:]
with open(secrets_file, 'w') as target:
    json.dump({'hostile_token': token, 'hostile_password': password, 'hostile_proxy_password': proxy_password,
               'hostile_wrong_proxy_password': wrong_proxy_password}, target)
forms = set()
for secret in (token, password, proxy_password, wrong_proxy_password):
    forms |= {secret, quote(secret, safe=''), quote_plus(secret, safe=''), quote(secret), json.dumps(secret)[1:-1],
              repr(secret)[1:-1], secret.replace('/', '\\/')}
# The proxy passwords share a marker: no form of them may show it.
forms.add('PA55')
with open(forms_file, 'w') as target:
    target.write(''.join(form + '\n' for form in sorted(forms)))
PYEOF

# shellcheck source-path=SCRIPTDIR
source ../setup_fabric_emulator/emulator.sh --token emulator-token --token "${token}" \
    --user "hostile-user:${password}:hostile-domain" --proxy-user "proxyuser:${proxy_password}"
set -x

# Every run below goes on after a failure of the one before (each covers other classes); the target fails
# at the end if any did.
failed=()

# Pager, bodies and headers, IAM answers, refused values.
ansible-playbook -i "${INVENTORY_PATH}" all.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" -e "@${out}/secrets.json" \
    "$@" || failed+=(all.yml)

# A proxy in the environment: plain http:// to loopback is refused (for the module and the lookup).
env -u NO_PROXY -u no_proxy HTTP_PROXY="${FABRIC_EMULATOR_URL}" \
    ansible-playbook -i "${INVENTORY_PATH}" proxy_env.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@" \
    || failed+=(proxy_env.yml)

# Secrets quoted back and the proxy password, at -vvvv; the whole output and the emulator's log are searched.
# ansible-core 2.21 adds a module's `invocation` to its result only when asked (older cores always do): ask, so
# that the arguments a user can have printed are searched too.
rc=0
ANSIBLE_INJECT_INVOCATION=true ansible-playbook -i "${INVENTORY_PATH}" secrets.yml -vvvv -e "emulator_url=${FABRIC_EMULATOR_URL}" \
    -e "@${out}/secrets.json" "$@" >"${out}/play.txt" 2>&1 || rc=$?

fabric_emulator_save_log "${out}/emulator-log.json"

set +x
leaks=0
for file in play.txt emulator-log.json; do
    # -F: the forms are fixed strings; then the tokens IAM issued (MIIemu and 40 hex digits).
    if grep -n -F -f "${out}/forms.txt" "${out}/${file}" >"${out}/leaks.txt" \
        || grep -n -E 'MIIemu[0-9a-f]{40}' "${out}/${file}" >"${out}/leaks.txt"; then
        echo "SECRET LEAKED in ${file} (lines, secrets masked):" >&2
        python - "${out}/forms.txt" "${out}/leaks.txt" <<'PYEOF' >&2
import re
import sys

forms = [line.rstrip('\n') for line in open(sys.argv[1]) if line.strip()]
for line in open(sys.argv[2]):
    for form in sorted(forms, key=len, reverse=True):
        line = line.replace(form, '<SECRET>')
    print(re.sub(r'MIIemu[0-9a-f]{40}', '<ISSUED TOKEN>', line.rstrip('\n'))[:400])
PYEOF
        leaks=1
    fi
done
set -x

# The play must have run (and passed its own checks) at -vvvv, with the proxy credentials sent.
tail -n 5 "${out}/play.txt"
[[ "${rc}" -eq 0 ]] || failed+=(secrets.yml)
grep -q 'ESTABLISH LOCAL CONNECTION' "${out}/play.txt" || failed+=('secrets.yml: not at -vvvv')
grep -q 'Everything ran as intended' "${out}/play.txt" || failed+=('secrets.yml: did not end')
grep -q '"Proxy-Authorization": *"REDACTED"' "${out}/emulator-log.json" || failed+=('no proxy credentials sent')
# the proxied task's invocation was printed, its proxy masked
grep -q '"proxy": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' "${out}/play.txt" || failed+=('no masked proxy in invocation')
[[ "${leaks}" -eq 0 ]] || failed+=('secrets leaked')
if [[ "${#failed[@]}" -gt 0 ]]; then
    printf 'fabric_hostile failed: %s\n' "${failed[@]}" >&2
    exit 1
fi
rm -rf "${out}"
