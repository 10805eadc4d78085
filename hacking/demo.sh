#!/usr/bin/env bash
# End-to-end demo: build + install the collection, start the local Fabric emulator, run
# examples/demo.yml against it, always stop the emulator.  Run through `make demo`.
#
# Environment: DEMO_PYTHON (default: python3.11 from pyenv, else python3),
#              DEMO_CORE (requirements line, default 2.19), DEMO_PLAYBOOK (default examples/demo.yml).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/.." && pwd)"
cd "${ROOT}"

DEMO_CORE="${DEMO_CORE:-2.19}"
PLAYBOOK="${DEMO_PLAYBOOK:-examples/demo.yml}"
EMULATOR="tests/emulator/fabric_emulator.py"
VENV="${ROOT}/.venv/demo"
BUILD="${ROOT}/build"
PORT_FILE="${BUILD}/emulator.port"

for f in "${EMULATOR}" "${PLAYBOOK}"; do
    [[ -f "${f}" ]] || { echo "demo: ${f} does not exist yet" >&2; exit 1; }
done

if [[ -z "${DEMO_PYTHON:-}" ]]; then
    DEMO_PYTHON="$(compgen -G "$(pyenv root 2>/dev/null || echo /nonexistent)/versions/3.11.*/bin/python3.11" | sort -V | tail -n 1 || true)"
    DEMO_PYTHON="${DEMO_PYTHON:-python3}"
fi

# 1. venv with pinned ansible-core + requests
REQS=("tests/requirements/ansible-${DEMO_CORE}.txt" "tests/integration/requirements.txt")
STAMP="$(cat "${REQS[@]}" | sha256sum | cut -d' ' -f1)"
if [[ ! -x "${VENV}/bin/python" ]]; then
    echo "demo: creating .venv/demo with ${DEMO_PYTHON}"
    "${DEMO_PYTHON}" -m venv "${VENV}"
fi
if [[ "$(cat "${VENV}/.requirements.sha256" 2>/dev/null || true)" != "${STAMP}" ]]; then
    "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check -r "${REQS[0]}" -r "${REQS[1]}"
    echo "${STAMP}" > "${VENV}/.requirements.sha256"
fi
export PATH="${VENV}/bin:${PATH}"
[[ -z "${DEMO_ONLY_VENV:-}" ]] || exit 0   # make bench only needs the venv

# 2. build and install the collection
mkdir -p "${BUILD}"
rm -f "${BUILD}"/dataarts-fabric-*.tar.gz
ansible-galaxy collection build --force --output-path "${BUILD}" "${ROOT}"
TARBALL="$(compgen -G "${BUILD}/dataarts-fabric-*.tar.gz" | head -n 1)"
rm -rf "${BUILD}/collections"
ansible-galaxy collection install --force -p "${BUILD}/collections" "${TARBALL}"

# 3. emulator in the background, stopped on any exit
rm -f "${PORT_FILE}"
"${VENV}/bin/python" "${EMULATOR}" --port-file "${PORT_FILE}" --lifetime 600 </dev/null &
EMU_PID=$!
stop_emulator() {
    if kill -0 "${EMU_PID}" 2>/dev/null; then
        kill "${EMU_PID}" 2>/dev/null || true
        wait "${EMU_PID}" 2>/dev/null || true
    fi
}
trap stop_emulator EXIT
trap 'exit 130' INT TERM

PORT=""
for _ in $(seq 1 100); do
    if [[ -s "${PORT_FILE}" ]]; then
        PORT="$(tr -dc '0-9' < "${PORT_FILE}")"
        [[ -n "${PORT}" ]] && break
    fi
    kill -0 "${EMU_PID}" 2>/dev/null || { echo "demo: emulator exited early" >&2; exit 1; }
    sleep 0.1
done
[[ -n "${PORT}" ]] || { echo "demo: emulator wrote no port to ${PORT_FILE}" >&2; exit 1; }
echo "demo: emulator on http://127.0.0.1:${PORT} (pid ${EMU_PID})"

# 4. the playbook
DATAARTS_FABRIC_ENDPOINT="http://127.0.0.1:${PORT}" \
DATAARTS_FABRIC_AUTH_TOKEN=emulator-token \
ANSIBLE_COLLECTIONS_PATH="${BUILD}/collections" \
    ansible-playbook -i examples/inventory.yml "${PLAYBOOK}" </dev/null
