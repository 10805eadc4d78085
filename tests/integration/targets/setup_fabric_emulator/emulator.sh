# shellcheck shell=bash
# Starts the DataArts Fabric emulator for one integration target. Source it from runme.sh:
#
#   source ../setup_fabric_emulator/emulator.sh [extra fabric_emulator.py options]
#
# It starts tests/emulator/fabric_emulator.py in the background on a free port of 127.0.0.1,
# waits until /_emulator/health answers (emulator_process.py wait), exports FABRIC_EMULATOR_URL
# (http://127.0.0.1:PORT) and installs an EXIT trap that stops it (and any emulator started later with
# fabric_emulator_launch) with SIGTERM and waits for it. Extra arguments are
# passed to the emulator (for example --token T, or --access-key/--secret-key/--security-token).
# It also puts lookup_plugins/ (the fabric_emulator lookup that tasks/*.yml use to drive the control
# API) on ANSIBLE_LOOKUP_PLUGINS.
# Needs `python` (ansible-test puts the test Python first on PATH) and nothing else.

fabric_emulator_script() {
    # The collection root from this file's own path (<root>/tests/integration/targets/setup_*/),
    # then from ANSIBLE_COLLECTIONS_PATH: ansible-test runs targets from a copy of tests/integration
    # that may not hold tests/emulator.
    local here candidate entry
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
    candidate="${here}"
    while [[ "${candidate}" != "/" ]]; do
        if [[ -f "${candidate}/tests/emulator/fabric_emulator.py" && -f "${candidate}/galaxy.yml" ]]; then
            echo "${candidate}/tests/emulator/fabric_emulator.py"
            return 0
        fi
        candidate="$(dirname "${candidate}")"
    done
    local -a entries=()
    IFS=':' read -r -a entries <<<"${ANSIBLE_COLLECTIONS_PATH:-${ANSIBLE_COLLECTIONS_PATHS:-}}"
    for entry in "${entries[@]}"; do
        for candidate in "${entry}/ansible_collections/dataarts/fabric" "${entry}/dataarts/fabric"; do
            if [[ -f "${candidate}/tests/emulator/fabric_emulator.py" ]]; then
                echo "${candidate}/tests/emulator/fabric_emulator.py"
                return 0
            fi
        done
    done
    echo "setup_fabric_emulator: tests/emulator/fabric_emulator.py not found from ${here}" >&2
    return 1
}

fabric_emulator_stop() {
    local rc=$? pid
    for pid in "${FABRIC_EMULATOR_PIDS[@]}"; do
        kill -TERM "${pid}" 2>/dev/null || true
        wait "${pid}" 2>/dev/null || true
    done
    FABRIC_EMULATOR_PIDS=()
    if [[ -n "${FABRIC_EMULATOR_DIR:-}" ]]; then
        rm -rf "${FABRIC_EMULATOR_DIR}"
        FABRIC_EMULATOR_DIR=''
    fi
    return "${rc}"
}

# Starts one emulator in the background (its options in "$@"), waits until it answers (emulator_process.py
# does the bounded wait), and sets fabric_emulator_last_url and fabric_emulator_last_pid. Any number of
# emulators can run; fabric_emulator_stop stops them all. Targets use it for second emulators too.
fabric_emulator_launch() {
    local script dir
    script="$(fabric_emulator_script)"
    dir="$(mktemp -d "${FABRIC_EMULATOR_DIR}/emulator.XXXXXX")"
    python "${script}" --url-file "${dir}/url" --lifetime 900 --quiet "$@" >"${dir}/emulator.out" 2>&1 &
    fabric_emulator_last_pid=$!
    FABRIC_EMULATOR_PIDS+=("${fabric_emulator_last_pid}")
    if ! fabric_emulator_last_url="$(python "${FABRIC_EMULATOR_HERE}/emulator_process.py" wait "${dir}/url" \
            "${fabric_emulator_last_pid}")"; then
        echo "setup_fabric_emulator: the emulator did not start:" >&2
        cat "${dir}/emulator.out" >&2 || true
        return 1
    fi
}

fabric_emulator_start() {
    FABRIC_EMULATOR_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
    FABRIC_EMULATOR_DIR="$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/fabric-emulator.XXXXXX")"
    FABRIC_EMULATOR_PIDS=()
    trap fabric_emulator_stop EXIT
    fabric_emulator_launch "$@"
    FABRIC_EMULATOR_URL="${fabric_emulator_last_url}"
    FABRIC_EMULATOR_PID="${fabric_emulator_last_pid}"
    export FABRIC_EMULATOR_URL FABRIC_EMULATOR_PID FABRIC_EMULATOR_DIR
    # IAM tokens cached by the collection belong to this emulator: a fresh cache for every start.
    XDG_CACHE_HOME="${FABRIC_EMULATOR_DIR}/cache"
    export XDG_CACHE_HOME
    # The control-API lookup used by tasks/*.yml.
    ANSIBLE_LOOKUP_PLUGINS="${FABRIC_EMULATOR_HERE}/lookup_plugins${ANSIBLE_LOOKUP_PLUGINS:+:${ANSIBLE_LOOKUP_PLUGINS}}"
    export ANSIBLE_LOOKUP_PLUGINS
}

fabric_emulator_start "$@"

# fabric_emulator_save_log FILE: the emulator's request log (secrets redacted by the emulator) as JSON, so a
# target can search it; straight to the loopback address, never through a proxy set in the environment.
fabric_emulator_save_log() {
    python - "${FABRIC_EMULATOR_URL}/_emulator/log" "$1" <<'PYEOF'
import sys
import urllib.request

opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(sys.argv[1], timeout=10) as response, open(sys.argv[2], 'wb') as target:
    target.write(response.read())
PYEOF
}
