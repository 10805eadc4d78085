#!/usr/bin/env bash
# shellcheck disable=SC2317  # the setup_venv and check_* functions run through run_check
# Lint and release checks: the `lint` step of `make test`, and `make lint`.
#
#   hacking/lint.sh
#
# Each check is one junit test case (build/test-results/lint/<check>.xml, exit code in .../lint/rc), so the
# closing line of `make test` counts them; the output of each check is in build/lint/logs/<check>.log.
#   ansible-lint        ansible-lint --profile production on roles/ and examples/ (config: .ansible-lint)
#   changelog           antsibull-changelog lint
#   docs                antsibull-docs lint-collection-docs --plugin-docs . (plugins, role argument specs, docsite)
#   galaxy-build        ansible-galaxy collection build; the tarball holds no build, venv, CI, test output or cache
#   galaxy-install      the tarball installs into an empty collections path
#   demo-from-tarball   examples/demo.yml of the installed collection runs against the emulator
#   ee-create           ansible-builder create on docs/awx/execution-environment.yml writes a build context
#   ee-introspect       ansible-builder reads the installed collection's meta/execution-environment.yml
# Tools are pinned in tests/requirements/lint.txt and installed into .venv/lint (Python 3.11).
# Checks run on a mirror of the checkout (git tracked + untracked-not-ignored files) in build/lint/tree,
# except galaxy-build, which builds from the checkout itself to prove build_ignore keeps local junk out.
#
# Environment: RESULTS_DIR (default build/test-results), LINT_PYTHON (default: python3.11 from pyenv, else python3).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/.." && pwd)"
RESULTS_DIR="${RESULTS_DIR:-${ROOT}/build/test-results}"
RESULTS="${RESULTS_DIR}/lint"
WORK="${ROOT}/build/lint"
LOGS="${WORK}/logs"
VENV="${ROOT}/.venv/lint"
REQS="${ROOT}/tests/requirements/lint.txt"
TREE_BASE="${WORK}/tree"
TREE="${TREE_BASE}/ansible_collections/dataarts/fabric"
DIST="${WORK}/dist"
INSTALL="${WORK}/collections"

rm -rf "${RESULTS}" "${LOGS}"
mkdir -p "${RESULTS}" "${LOGS}"
echo 0 > "${RESULTS}/rc"

# write_junit NAME RC SECONDS LOG: one test case; a failure carries the last lines of the log.
write_junit() {
    local py="${VENV}/bin/python"
    [[ -x "${py}" ]] || py=python3
    "${py}" - "$@" "${RESULTS}/$1.xml" <<'PYEOF'
import sys
from xml.sax.saxutils import escape, quoteattr

name, rc, seconds, log, out = sys.argv[1:6]
try:
    with open(log, encoding='utf-8', errors='replace') as handle:
        tail = ''.join(handle.readlines()[-60:])
except OSError:
    tail = ''
case = '<testcase classname="lint" name=%s time="%s"' % (quoteattr(name), seconds)
if rc == '0':
    case += '/>'
else:
    case += '><failure message=%s>%s</failure></testcase>' % (quoteattr('%s exited %s' % (name, rc)), escape(tail))
with open(out, 'w', encoding='utf-8') as handle:
    handle.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="lint" tests="1">%s'
                 '</testsuite></testsuites>\n' % case)
PYEOF
}

failed=()
# run_check NAME FUNCTION: runs FUNCTION with its output in the log, records the test case.
run_check() {
    local name="$1" func="$2" start rc log="${LOGS}/$1.log"
    start=${SECONDS}
    ( set -e; "${func}" ) >"${log}" 2>&1
    rc=$?
    write_junit "${name}" "${rc}" "$((SECONDS - start))" "${log}"
    if [[ ${rc} -eq 0 ]]; then
        echo "lint: ${name} passed ($((SECONDS - start)) s)"
    else
        echo "lint: ${name} FAILED ($((SECONDS - start)) s) - last lines of ${log#"${ROOT}/"}:"
        tail -n 25 "${log}" | sed 's/^/    /'
        failed+=("${name}")
        echo 1 > "${RESULTS}/rc"
    fi
}

# --- tools --------------------------------------------------------------------------------------------
setup_venv() {
    local python="${LINT_PYTHON:-}" stamp
    if [[ -z "${python}" ]]; then
        python="$(compgen -G "$(pyenv root 2>/dev/null || echo /nonexistent)/versions/3.11.*/bin/python3.11" | sort -V | tail -n 1 || true)"
        python="${python:-python3}"
    fi
    if [[ ! -x "${VENV}/bin/python" ]] || ! "${VENV}/bin/python" -c 'import sys' >/dev/null 2>&1; then
        rm -rf "${VENV}"
        "${python}" -m venv "${VENV}"
    fi
    stamp="$(sha256sum "${REQS}" | cut -d' ' -f1)"
    if [[ "$(cat "${VENV}/.requirements.sha256" 2>/dev/null || true)" != "${stamp}" ]]; then
        "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check -r "${REQS}"
        echo "${stamp}" > "${VENV}/.requirements.sha256"
    fi
    "${VENV}/bin/python" "${HERE}/sync_tree.py" "${ROOT}" "${TREE}"
}

start=${SECONDS}
# Installing the tools is not a test of its own; when it fails, that failure is the one test case recorded.
if ! ( set -e; setup_venv ) >"${LOGS}/lint-setup.log" 2>&1; then
    write_junit lint-setup 1 "$((SECONDS - start))" "${LOGS}/lint-setup.log"
    echo 1 > "${RESULTS}/rc"
    tail -n 25 "${LOGS}/lint-setup.log" | sed 's/^/    /' >&2
    echo "lint: the tools could not be installed (${LOGS#"${ROOT}/"}/lint-setup.log); no check ran" >&2
    exit 1
fi
echo "lint: tools ready in .venv/lint ($((SECONDS - start)) s)"
export PATH="${VENV}/bin:${PATH}"
# Only the collections this script points at: never one installed elsewhere on the machine.
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_NOCOLOR=1 NO_COLOR=1 PY_COLORS=0

# --- static checks on the mirror ----------------------------------------------------------------------
check_ansible_lint() {
    cd "${TREE}"
    ANSIBLE_COLLECTIONS_PATH="${TREE_BASE}" ansible-lint --profile production --nocolor roles/ examples/
}

check_changelog() {
    cd "${TREE}"
    antsibull-changelog lint
}

check_docs() {
    cd "${TREE}"
    ANSIBLE_COLLECTIONS_PATH="${TREE_BASE}" antsibull-docs lint-collection-docs --plugin-docs .
}

# --- release: build, install, run ---------------------------------------------------------------------
check_galaxy_build() {
    rm -rf "${DIST}"
    mkdir -p "${DIST}"
    ansible-galaxy collection build --output-path "${DIST}" "${ROOT}"
    python - "${DIST}" <<'PYEOF'
import fnmatch
import glob
import sys
import tarfile

[tarball] = glob.glob(sys.argv[1] + '/dataarts-fabric-*.tar.gz')
with tarfile.open(tarball) as archive:
    names = [member.name.rstrip('/') for member in archive.getmembers()]
# Anything that is build or test output, a local environment, CI or developer tooling.
FORBIDDEN_DIRS = {'build', '.venv', '.ci', 'hacking', '__pycache__', '.pytest_cache', '.hypothesis', '.benchmarks',
                  '.ansible', '.cache', '.git', '.tox', '.mypy_cache'}
FORBIDDEN_PATHS = ('tests/output', 'tests/integration/inventory')
FORBIDDEN_NAMES = ('*.tar.gz', '*.pyc', '*.pyo', 'Makefile', '.gitignore', 'cloud-config-*')
bad = []
for name in names:
    parts = name.split('/')
    if (FORBIDDEN_DIRS.intersection(parts) or any(name == p or name.startswith(p + '/') for p in FORBIDDEN_PATHS)
            or any(fnmatch.fnmatch(parts[-1], pattern) for pattern in FORBIDDEN_NAMES)):
        bad.append(name)
required = ['MANIFEST.json', 'FILES.json', 'README.md', 'requirements.txt', 'meta/runtime.yml',
            'meta/execution-environment.yml', 'plugins/modules/fabric_session_info.py',
            'plugins/lookup/fabric_sessions.py', 'roles/session_check/meta/argument_specs.yml',
            'roles/session_check/tasks/main.yml', 'examples/demo.yml', 'docs/docsite/links.yml',
            'docs/docsite/rst/guide.rst', 'docs/awx/credential-type-injectors.yml']
missing = [name for name in required if name not in names]
print('%s: %d entries' % (tarball, len(names)))
for name in bad:
    print('must not be in the tarball: %s' % name)
for name in missing:
    print('missing from the tarball: %s' % name)
sys.exit(1 if bad or missing else 0)
PYEOF
}

check_galaxy_install() {
    local tarball
    tarball="$(compgen -G "${DIST}/dataarts-fabric-*.tar.gz" | head -n 1)"
    [[ -n "${tarball}" ]] || { echo "no tarball in ${DIST} (galaxy-build failed)"; return 1; }
    rm -rf "${INSTALL}"
    mkdir -p "${INSTALL}"
    ansible-galaxy collection install --offline -p "${INSTALL}" "${tarball}"
    ANSIBLE_COLLECTIONS_PATH="${INSTALL}" ansible-galaxy collection list -p "${INSTALL}" dataarts.fabric
    ANSIBLE_COLLECTIONS_PATH="${INSTALL}" ansible-doc -t role dataarts.fabric.session_check >/dev/null
}

EMU_PID=""
stop_emulator() {
    if [[ -n "${EMU_PID}" ]] && kill -0 "${EMU_PID}" 2>/dev/null; then
        kill "${EMU_PID}" 2>/dev/null || true
        wait "${EMU_PID}" 2>/dev/null || true
    fi
    EMU_PID=""
}

check_demo_from_tarball() {
    local installed="${INSTALL}/ansible_collections/dataarts/fabric" port_file="${WORK}/emulator.port" port=""
    [[ -f "${installed}/examples/demo.yml" ]] || { echo "no installed collection (galaxy-install failed)"; return 1; }
    rm -f "${port_file}"
    python "${ROOT}/tests/emulator/fabric_emulator.py" --port-file "${port_file}" --lifetime 300 --quiet </dev/null &
    EMU_PID=$!
    trap stop_emulator EXIT  # this check runs in a subshell of its own
    for _ in $(seq 1 100); do
        [[ -s "${port_file}" ]] && { port="$(tr -dc '0-9' <"${port_file}")"; [[ -n "${port}" ]] && break; }
        kill -0 "${EMU_PID}" 2>/dev/null || { echo "the emulator exited early"; return 1; }
        sleep 0.1
    done
    [[ -n "${port}" ]] || { echo "the emulator wrote no port"; return 1; }
    # Run from a folder outside the checkout, with only the installed collection on the path.
    (cd "${WORK}" && DATAARTS_FABRIC_ENDPOINT="http://127.0.0.1:${port}" DATAARTS_FABRIC_AUTH_TOKEN=emulator-token \
        ANSIBLE_COLLECTIONS_PATH="${INSTALL}" \
        ansible-playbook -i "${installed}/examples/inventory.yml" "${installed}/examples/demo.yml" </dev/null) \
        | tee "${WORK}/demo.out"
    stop_emulator
    grep -q 'Workspace ws-demo holds 40 sessions' "${WORK}/demo.out"
    grep -qE 'failed=0' "${WORK}/demo.out"
}

# --- execution environment ------------------------------------------------------------------------------
check_ee_create() {
    local context="${WORK}/ee-context"
    rm -rf "${context}"
    ansible-builder create -f "${ROOT}/docs/awx/execution-environment.yml" --context "${context}" --output-filename Containerfile
    ls -R "${context}"
    test -s "${context}/Containerfile"
    grep -q '^FROM ' "${context}/Containerfile"
    grep -q 'ansible-core==2.19.14' "${context}/Containerfile"
    grep -q 'ansible-galaxy collection install' "${context}/Containerfile"
    grep -q 'dataarts.fabric' "${context}/_build/requirements.yml"
    # The image build runs `introspect` after installing the collections; the context carries the script.
    test -s "${context}/_build/scripts/introspect.py"
}

check_ee_introspect() {
    local out
    [[ -d "${INSTALL}/ansible_collections/dataarts/fabric" ]] || { echo "no installed collection (galaxy-install failed)"; return 1; }
    out="$(ansible-builder introspect --sanitize "${INSTALL}")"
    echo "${out}"
    grep -q "requests>=2.25.0.*from collection dataarts.fabric" <<<"${out}"
}

run_check ansible-lint check_ansible_lint
run_check changelog check_changelog
run_check docs check_docs
run_check galaxy-build check_galaxy_build
run_check galaxy-install check_galaxy_install
run_check demo-from-tarball check_demo_from_tarball
run_check ee-create check_ee_create
run_check ee-introspect check_ee_introspect

echo "lint: $((SECONDS - start)) s"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "lint: failed: ${failed[*]}" >&2
    exit 1
fi
exit 0
