#!/usr/bin/env bash
# Install Debian's shellcheck when it is missing and we are root, so that the shellcheck sanity
# test really runs (ansible-test only warns and skips it otherwise). Never fatal.
set -uo pipefail

if command -v shellcheck >/dev/null 2>&1; then
    exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-shellcheck: shellcheck not installed and cannot install it (need root + apt-get); the shellcheck sanity test will be skipped" >&2
    exit 0
fi
echo "ensure-shellcheck: installing Debian package shellcheck" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq shellcheck </dev/null >/dev/null 2>&1; then
    apt-get update -qq </dev/null >/dev/null 2>&1 || true
    apt-get install -y -qq shellcheck </dev/null >/dev/null 2>&1 || true
fi
if command -v shellcheck >/dev/null 2>&1; then
    echo "ensure-shellcheck: $(shellcheck --version | sed -n 's/^version: /shellcheck /p')" >&2
else
    echo "ensure-shellcheck: installing shellcheck failed; the shellcheck sanity test will be skipped" >&2
fi
exit 0
