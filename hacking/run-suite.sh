#!/usr/bin/env bash
# Run one test step (sanity, units or integration) on every configured core line / controller
# Python, keep going when one invocation fails, and exit non-zero at the end if any failed.
#
#   hacking/run-suite.sh sanity|units|integration [EXTRA ANSIBLE-TEST ARGS...]
#
# Environment:
#   CORES        core lines to run, default "2.19 2.21" (a line whose controller Python is
#                missing is skipped with a message)
#   RESULTS_DIR  where junit XML + exit codes go, default build/test-results (one folder per run)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/.." && pwd)"
STEP="${1:-}"
shift || true
EXTRA=("$@")
CORES="${CORES:-2.19 2.21}"
RESULTS_DIR="${RESULTS_DIR:-${ROOT}/build/test-results}"

# Which ansible-test invocations make up each step, per core line: "CORE|LABEL|ARGS".
# Sanity: the run without --python uses the core line's oldest controller Python for the
# controller-side tests and runs the target-side tests (compile, import) on every supported
# Python found (2.19: 3.8-3.13, 2.21: 3.9-3.13); the --python runs add the other controller
# Pythons for the controller-side tests (pylint, validate-modules, ansible-doc, ...).
runs_for() {
    case "$1" in
        sanity)
            echo "2.19|sanity-2.19-py3.11+targets|sanity --venv --requirements --junit"
            echo "2.19|sanity-2.19-py3.12|sanity --venv --requirements --junit --python 3.12"
            echo "2.19|sanity-2.19-py3.13|sanity --venv --requirements --junit --python 3.13"
            echo "2.21|sanity-2.21-py3.12+targets|sanity --venv --requirements --junit"
            echo "2.21|sanity-2.21-py3.13|sanity --venv --requirements --junit --python 3.13"
            ;;
        units)
            echo "2.19|units-2.19-py3.11|units --venv --requirements --python 3.11"
            echo "2.21|units-2.21-py3.12|units --venv --requirements --python 3.12"
            ;;
        integration)
            echo "2.19|integration-2.19-py3.11|integration --venv --requirements --continue-on-error --python 3.11"
            echo "2.21|integration-2.21-py3.12|integration --venv --requirements --continue-on-error --python 3.12"
            ;;
    esac
}

controller_python() {
    case "$1" in
        2.19) echo 3.11 ;;
        *) echo 3.12 ;;
    esac
}

have_python() {
    local ver="$1" root=""
    command -v pyenv >/dev/null 2>&1 && root="$(pyenv root)/versions"
    compgen -G "${root:-/nonexistent}/${ver}.*/bin/python${ver}" >/dev/null \
        || [[ -x "/usr/local/bin/python${ver}" || -x "/usr/bin/python${ver}" ]]
}

# Integration targets that ansible-test leaves out by alias are recorded as skipped tests.
record_skipped_targets() {
    local out="${RESULTS_DIR}/integration-skipped-targets" cases="" n=0 t name group
    for t in "${ROOT}"/tests/integration/targets/*/; do
        name="$(basename "${t}")"
        [[ -f "${t}aliases" ]] || continue
        group="$(grep -oE '^(disabled|unsupported|unstable)$' "${t}aliases" | head -n 1 || true)"
        if [[ -n "${group}" ]]; then
            echo "run-suite: integration target ${name} is '${group}' (alias) - not run" >&2
            cases+="    <testcase classname=\"integration\" name=\"${name}\"><skipped message=\"alias ${group}\"/></testcase>"$'\n'
            n=$((n + 1))
        fi
    done
    if [[ ${n} -gt 0 ]]; then
        mkdir -p "${out}"
        printf '<?xml version="1.0" encoding="utf-8"?>\n<testsuites>\n  <testsuite name="integration-aliases" tests="%d" skipped="%d">\n%s  </testsuite>\n</testsuites>\n' \
            "${n}" "${n}" "${cases}" > "${out}/skipped-targets.xml"
        echo 0 > "${out}/rc"
    fi
}

case "${STEP}" in
    sanity)
        "${HERE}/ensure-shellcheck.sh"
        # Sanity must really pass: ignore files are not allowed (recorded as a failed test).
        rm -rf "${RESULTS_DIR}/sanity-no-ignore-files"
        mkdir -p "${RESULTS_DIR}/sanity-no-ignore-files"
        ignores="$(compgen -G "${ROOT}/tests/sanity/ignore-*.txt" | sed "s|^${ROOT}/||" | tr '\n' ' ' || true)"
        if [[ -n "${ignores}" ]]; then
            echo "run-suite: sanity ignore files are not allowed in this repository: ${ignores}" >&2
            result='<failure message="ignore files present: '"${ignores}"'"/>'
            sanity_guard_rc=1
        else
            result=''
            sanity_guard_rc=0
        fi
        printf '<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="sanity-guard"><testcase classname="sanity" name="no-ignore-files">%s</testcase></testsuite></testsuites>\n' \
            "${result}" > "${RESULTS_DIR}/sanity-no-ignore-files/no-ignore-files.xml"
        echo "${sanity_guard_rc}" > "${RESULTS_DIR}/sanity-no-ignore-files/rc"
        ;;
    units)
        if ! find "${ROOT}/tests/unit" -name 'test_*.py' -print -quit 2>/dev/null | grep -q .; then
            echo "run-suite: no unit tests (tests/unit/**/test_*.py) yet - units skipped"
            exit 0
        fi
        ;;
    integration)
        if ! compgen -G "${ROOT}/tests/integration/targets/*/" >/dev/null; then
            echo "run-suite: no integration targets under tests/integration/targets yet - integration skipped"
            exit 0
        fi
        rm -rf "${RESULTS_DIR}/integration-skipped-targets"
        record_skipped_targets
        ;;
    *)
        echo "usage: $0 sanity|units|integration [EXTRA ANSIBLE-TEST ARGS...]" >&2
        exit 2
        ;;
esac

failed=()
[[ "${sanity_guard_rc:-0}" -eq 0 ]] || failed+=("sanity-no-ignore-files")
while IFS='|' read -r core label args; do
    [[ " ${CORES} " == *" ${core} "* ]] || continue
    if ! have_python "$(controller_python "${core}")"; then
        echo "run-suite: python$(controller_python "${core}") not installed - ${label} skipped"
        continue
    fi
    rm -rf "${RESULTS_DIR:?}/${label}"
    start=${SECONDS}
    echo "=== ${label}: ansible-test ${args} ${EXTRA[*]}"
    # shellcheck disable=SC2086  # args is a list of words by design
    AT_RESULTS="${RESULTS_DIR}/${label}" "${HERE}/ansible-test.sh" "${core}" ${args} "${EXTRA[@]}"
    rc=$?
    mkdir -p "${RESULTS_DIR}/${label}"
    [[ -f "${RESULTS_DIR}/${label}/rc" ]] || echo "${rc}" > "${RESULTS_DIR}/${label}/rc"
    echo "=== ${label}: exit ${rc} after $((SECONDS - start)) s"
    [[ ${rc} -eq 0 ]] || failed+=("${label}")
done < <(runs_for "${STEP}")

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "run-suite: ${STEP} failed in: ${failed[*]}" >&2
    exit 1
fi
exit 0
