#!/usr/bin/env bash
# The dataarts.fabric.session_check role against the emulator.
#   pass.yml    rules that hold and a wait that succeeds (module_defaults, role variables with AK/SK, environment)
#               and the requests of a check of 100,000 sessions against those of an empty workspace (big_and_empty.yml)
#   blank.yml   role variables that are unset, null, '' or omit count as unset
#   options.yml connection and query options given as role variables reach the module
#   fail.yml    the role must fail: misspelt variables, fail_statuses, max_running, wait timeout, session not
#               found, FAIL or CLOSED while waited for; it records each failure message (block/rescue) in
#               OUTPUT_DIR. Its junit report goes to a scratch folder: the role's failing task is the expected
#               outcome there, not a failed test. Its output shows that the wait is one quiet task.
#   verify.yml  asserts on the recorded failures (these asserts are the test cases of fail.yml)
# Extra arguments go to ansible-playbook (for example -vvv).
set -eux

# AK/SK the emulator accepts; the secrets are unique so that their absence from -vvvv output means something.
SC_ACCESS_KEY="SCHECKAK$$"
SC_SECRET_KEY="sc-secret-key-$$-${RANDOM}${RANDOM}"
SC_SECURITY_TOKEN="sc-security-token-$$-${RANDOM}${RANDOM}"
export SC_ACCESS_KEY SC_SECRET_KEY SC_SECURITY_TOKEN

# shellcheck source=tests/integration/targets/setup_fabric_emulator/emulator.sh
source ../setup_fabric_emulator/emulator.sh --token emulator-token \
    --access-key "${SC_ACCESS_KEY}" --secret-key "${SC_SECRET_KEY}" --security-token "${SC_SECURITY_TOKEN}"

# The role must get its connection from the play, never from the caller's environment.
unset DATAARTS_FABRIC_ENDPOINT HW_REGION_NAME DATAARTS_FABRIC_AUTH_TOKEN HUAWEICLOUD_SDK_AK HW_ACCESS_KEY \
    HUAWEICLOUD_SDK_SK HW_SECRET_KEY HUAWEICLOUD_SDK_SECURITY_TOKEN HW_SECURITY_TOKEN \
    HUAWEICLOUD_SDK_PROJECT_ID HW_PROJECT_ID

OUT="${OUTPUT_DIR:-$(mktemp -d)}"
playbook=(ansible-playbook -i "${INVENTORY_PATH:-../../inventory}" -e "emulator_url=${FABRIC_EMULATOR_URL}"
          -e "output_dir=${OUT}")

# Runs a command (a playbook NAME.yml) with its output in ${OUT}/NAME.log, of which it shows the task lines; on
# failure, the end of the output, and the script stops.
run_logged() {
    local name="$1"
    shift
    if ! "$@" >"${OUT}/${name}.log" 2>&1; then
        tail -n 200 "${OUT}/${name}.log"
        echo "session_check: ${name}.yml failed (full output: ${OUT}/${name}.log)" >&2
        exit 1
    fi
    grep -E '^(PLAY|TASK|ok|changed|failed|fatal|skipping|localhost)' "${OUT}/${name}.log" || true
}

# 1. rules that hold, and a wait that succeeds; at -vvvv to prove that no secret is printed
set +x
run_logged pass "${playbook[@]}" pass.yml -vvvv "$@"
for secret in "${SC_SECRET_KEY}" "${SC_SECURITY_TOKEN}"; do
    if grep -qF -- "${secret}" "${OUT}/pass.log"; then
        echo "session_check: a secret appears in the -vvvv output of pass.yml (${OUT}/pass.log)" >&2
        exit 1
    fi
done
grep -qF 'AnsiballZ_fabric_session_info' "${OUT}/pass.log"  # the module ran at that verbosity
set -x

# 2. blank values, and options that reach the module
"${playbook[@]}" blank.yml "$@"
"${playbook[@]}" options.yml "$@"

# 3. the role must fail, and say why
rm -rf "${OUT}/session_check_failures.json" "${OUT}/junit-expected-failures"
mkdir -p "${OUT}/junit-expected-failures"
set +x
run_logged fail env JUNIT_OUTPUT_DIR="${OUT}/junit-expected-failures" "${playbook[@]}" fail.yml "$@"
# The wait is one task of the module: no retry lines while all is well, no ignored failure on a timeout, and the
# error of a failed poll once (the module's task is ok; the role's own task fails with its message).
for noise in 'FAILED - RETRYING' '...ignoring'; do
    if grep -qF -- "${noise}" "${OUT}/fail.log"; then
        echo "session_check: the output of fail.yml shows '${noise}' (${OUT}/fail.log)" >&2
        exit 1
    fi
done
failed_polls="$(grep -c '^fatal: .*Incorrect token' "${OUT}/fail.log" || true)"
if [[ "${failed_polls}" != 1 ]]; then
    echo "session_check: the failed poll's error is shown ${failed_polls} times, not once (${OUT}/fail.log)" >&2
    exit 1
fi
set -x

# 4. what it said
"${playbook[@]}" verify.yml "$@"
