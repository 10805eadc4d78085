#!/usr/bin/env bash
# Run ansible-test for this collection with a pinned ansible-core line, offline-safe.
#
#   hacking/ansible-test.sh CORE ANSIBLE-TEST-ARGS...
#   e.g. hacking/ansible-test.sh 2.19 sanity --venv --requirements --python 3.11 --test pep8
#        hacking/ansible-test.sh 2.21 integration --venv --requirements --python 3.12 my_target
#
# CORE is a file tests/requirements/ansible-CORE.txt (2.19, 2.21). What it does:
#   1. creates/reuses .venv/ansible-CORE from the matching pyenv Python and installs the pinned
#      requirements (reinstalled only when the requirements files change);
#   2. seeds ansible-test's get-pip cache (~/.ansible/test/cache/get_pip_<pip ver>.py) with
#      hacking/get_pip_offline.py (ensurepip + pip install), the real file cannot be downloaded;
#   3. puts links to the real pyenv interpreters (python3.8 ... python3.13) in .venv/python-links,
#      ahead of the pyenv shims on PATH (the shims exit 127 for versions not selected);
#   4. mirrors the checkout (git tracked + untracked-not-ignored files, and .git) into
#      build/ansible_collections/dataarts/fabric and runs ansible-test there;
#   5. if AT_RESULTS is set (a directory), copies the junit XML files of this run there and
#      writes the exit code to AT_RESULTS/rc.
#
# Environment: AT_RESULTS (see above), AT_TREE (override the build tree location).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/.." && pwd)"

if [[ $# -lt 2 ]]; then
    sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi

CORE="$1"
shift

REQ_FILE="${ROOT}/tests/requirements/ansible-${CORE}.txt"
[[ -f "${REQ_FILE}" ]] || { echo "ansible-test.sh: no ${REQ_FILE#"${ROOT}/"}" >&2; exit 2; }

# The controller Python that runs ansible-test itself for each core line.
case "${CORE}" in
    2.19) VENV_PY=3.11 ;;
    2.20|2.21|2.22) VENV_PY=3.12 ;;
    *) VENV_PY=3.12 ;;
esac

log() { echo "[ansible-test.sh ${CORE}] $*" >&2; }

# --- 3. real interpreters ahead of the pyenv shims -------------------------------------------
LINKS="${ROOT}/.venv/python-links"
mkdir -p "${LINKS}"
PYENV_VERSIONS=""
if command -v pyenv >/dev/null 2>&1; then
    PYENV_VERSIONS="$(pyenv root)/versions"
elif [[ -d "${HOME}/.pyenv/versions" ]]; then
    PYENV_VERSIONS="${HOME}/.pyenv/versions"
fi
for minor in 8 9 10 11 12 13 14; do
    ver="3.${minor}"
    real=""
    if [[ -n "${PYENV_VERSIONS}" ]]; then
        # newest patch release of this minor version (e.g. 3.12.1), plain CPython builds only
        real="$(compgen -G "${PYENV_VERSIONS}/${ver}.*/bin/python${ver}" | sort -V | tail -n 1 || true)"
    fi
    if [[ -z "${real}" ]]; then
        for cand in "/usr/local/bin/python${ver}" "/usr/bin/python${ver}"; do
            if [[ -x "${cand}" ]]; then real="${cand}"; break; fi
        done
    fi
    if [[ -n "${real}" ]]; then
        ln -sfn "${real}" "${LINKS}/python${ver}"
    else
        rm -f "${LINKS}/python${ver}"
    fi
done
export PATH="${LINKS}:${PATH}"

# --- 1. controller venv with the pinned ansible-core -----------------------------------------
VENV="${ROOT}/.venv/ansible-${CORE}"
REQS=("${REQ_FILE}")
[[ -f "${ROOT}/tests/integration/requirements.txt" ]] && REQS+=("${ROOT}/tests/integration/requirements.txt")
STAMP_WANT="$(cat "${REQS[@]}" | sha256sum | cut -d' ' -f1)"
STAMP_FILE="${VENV}/.requirements.sha256"

if [[ ! -x "${VENV}/bin/python" ]] || ! "${VENV}/bin/python" -c 'import sys' >/dev/null 2>&1; then
    [[ -x "${LINKS}/python${VENV_PY}" ]] || { echo "ansible-test.sh: python${VENV_PY} not found (needed for ansible-core ${CORE})" >&2; exit 2; }
    log "creating ${VENV#"${ROOT}/"} with python${VENV_PY}"
    rm -rf "${VENV}"
    "${LINKS}/python${VENV_PY}" -m venv "${VENV}"
fi
if [[ "$(cat "${STAMP_FILE}" 2>/dev/null || true)" != "${STAMP_WANT}" ]]; then
    log "installing ${REQS[*]#"${ROOT}/"}"
    req_args=()
    for r in "${REQS[@]}"; do req_args+=(-r "${r}"); done
    "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check "${req_args[@]}"
    echo "${STAMP_WANT}" > "${STAMP_FILE}"
fi
export PATH="${LINKS}:${VENV}/bin:${PATH#"${LINKS}:"}"
ANSIBLE_TEST="${VENV}/bin/ansible-test"

# --- 2. get-pip cache ---------------------------------------------------------------------------
AT_PKG="$("${VENV}/bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
PIP_VER="$(grep -oE "pip(==|=')[0-9]+(\.[0-9]+)+" "${AT_PKG}/_internal/python_requirements.py" | head -n 1 | grep -oE '[0-9]+(\.[0-9]+)+' || true)"
if [[ -z "${PIP_VER}" ]]; then
    echo "ansible-test.sh: cannot read the pip version from ${AT_PKG}/_internal/python_requirements.py" >&2
    exit 2
fi
CACHE="${HOME}/.ansible/test/cache"
GET_PIP="${CACHE}/get_pip_${PIP_VER//./_}.py"
mkdir -p "${CACHE}"
if [[ ! -f "${GET_PIP}" ]] || grep -q 'dataarts-fabric-offline-get-pip' "${GET_PIP}"; then
    cmp -s "${HERE}/get_pip_offline.py" "${GET_PIP}" 2>/dev/null || cp "${HERE}/get_pip_offline.py" "${GET_PIP}"
fi

# --- 4. the ansible_collections tree ---------------------------------------------------------------
NS="$(sed -n 's/^namespace:[[:space:]]*//p' "${ROOT}/galaxy.yml" | tr -d "\"' \r")"
NAME="$(sed -n 's/^name:[[:space:]]*//p' "${ROOT}/galaxy.yml" | tr -d "\"' \r")"
TREE="${AT_TREE:-${ROOT}/build/ansible_collections/${NS}/${NAME}}"
"${VENV}/bin/python" "${HERE}/sync_tree.py" "${ROOT}" "${TREE}" >&2

# --- 5. run -------------------------------------------------------------------------------------------
rm -rf "${TREE}/tests/output/junit"
log "ansible-test $*"
set +e
(cd "${TREE}" && "${ANSIBLE_TEST}" "$@" </dev/null)
rc=$?
set -e

if [[ -n "${AT_RESULTS:-}" ]]; then
    mkdir -p "${AT_RESULTS}"
    if compgen -G "${TREE}/tests/output/junit/*.xml" >/dev/null; then
        cp "${TREE}"/tests/output/junit/*.xml "${AT_RESULTS}/"
    fi
    echo "${rc}" > "${AT_RESULTS}/rc"
fi
exit "${rc}"
