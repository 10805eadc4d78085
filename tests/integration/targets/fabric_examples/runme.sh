#!/usr/bin/env bash
# Every example the collection shows (the EXAMPLES of each plugin, the YAML blocks of the READMEs and the docsite,
# the playbooks of examples/) runs against the emulator and must do what claims.yml says it does; an example
# without a claim fails this target. run_examples.py runs them; the checks are the test cases.
# Extra arguments go to the ansible-playbook run of the checks.
set -eux

# The IAM user of the module's password example.
# shellcheck source-path=SCRIPTDIR
source ../setup_fabric_emulator/emulator.sh --user 'automation:example-password-of-automation:my-account'

root="$(cd "$(dirname "$(fabric_emulator_script)")/../.." && pwd -P)"
work="$(mktemp -d "${OUTPUT_DIR:-/tmp}/fabric_examples.XXXXXX")"
python run_examples.py "${root}" "${FABRIC_EMULATOR_URL}" "${work}" "${INVENTORY_PATH}"
ansible-playbook -i "${INVENTORY_PATH}" "${work}/claims.yml" "$@"
