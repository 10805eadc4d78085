#!/usr/bin/env bash
# Setups users already have: KooCLI profiles and the SDK credentials file (a temporary HOME), the cloud suffix
# and the European rule (the emulator acts as the proxy and records the URL: no real host is contacted),
# proxies from the environment and the option, TLS options against REQUESTS_CA_BUNDLE, and clock skew.
set -eux

# shellcheck source=tests/integration/targets/setup_fabric_emulator/emulator.sh
source ../setup_fabric_emulator/emulator.sh

work="$(mktemp -d "${OUTPUT_DIR:-/tmp}/existing-setups.XXXXXX")"
# A second emulator (stopped with the first one): $1 names it, the rest are its options. Sets side_url
# to its host:port.
start_side_emulator() {
    shift
    fabric_emulator_launch "$@"
    side_url="${fabric_emulator_last_url#*://}"
}

# Files in a temporary HOME, read by the module (managed host = localhost) and by the lookup (controller).
home="${work}/home"
mkdir -p "${home}/.hcloud" "${home}/.huaweicloud" "${work}/empty-home"
cat >"${home}/.hcloud/config.json" <<'JSON'
{"current": "emulator", "profiles": [
  {"name": "emulator", "mode": "AKSK", "accessKeyId": "EMULATORAK", "secretAccessKey": "EMULATORSK",
   "securityToken": "", "region": "cn-north-4", "projectId": "koocli-project"},
  {"name": "other", "mode": "AKSK", "accessKeyId": "EMULATORAK", "secretAccessKey": "EMULATORSK",
   "region": "cn-north-4", "projectId": "koocli-other-project"},
  {"name": "locked", "mode": "AKSK", "accessKeyId": "gAAAAABlq0c3rT+9x/Zm1Q==", "secretAccessKey": "gAAAAABlq0c3"}]}
JSON
printf '[basic]\nak = EMULATORAK\nsk = EMULATORSK\nproject_id = sdk-file-project\n' >"${work}/sdk-credentials"

HOME="${home}" ansible-playbook -i "${INVENTORY_PATH}" files.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" \
    -e "sdk_credentials_file=${work}/sdk-credentials" -e "empty_home=${work}/empty-home" "$@"

ansible-playbook -i "${INVENTORY_PATH}" proxies.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@"
HTTP_PROXY="${FABRIC_EMULATOR_URL}" NO_PROXY='' \
    ansible-playbook -i "${INVENTORY_PATH}" proxy_env.yml -e "emulator_url=${FABRIC_EMULATOR_URL}" "$@"

# A gateway whose clock is an hour ahead of this host's: every signature looks expired to it.
start_side_emulator skewed --clock-offset 3600
ansible-playbook -i "${INVENTORY_PATH}" clock.yml -e "skewed_url=http://${side_url}" "$@"

# HTTPS with a private CA, while REQUESTS_CA_BUNDLE names another bundle.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "${work}/key.pem" -out "${work}/cert.pem" 2>/dev/null
start_side_emulator tls --certfile "${work}/cert.pem" --keyfile "${work}/key.pem"
tls_url="${side_url}"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other-ca -keyout "${work}/other-key.pem" \
    -out "${work}/other-ca.pem" 2>/dev/null
REQUESTS_CA_BUNDLE="${work}/other-ca.pem" CURL_CA_BUNDLE="${work}/other-ca.pem" \
    ansible-playbook -i "${INVENTORY_PATH}" tls.yml -e "tls_url=https://${tls_url}" -e "ca_file=${work}/cert.pem" "$@"
