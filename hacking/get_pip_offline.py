"""Offline stand-in for get-pip.py, seeded into ansible-test's cache by hacking/ansible-test.sh.

dataarts-fabric-offline-get-pip (marker: hacking/ansible-test.sh only overwrites files carrying it)

ansible-test creates its virtual environments without pip and bootstraps pip by running
``~/.ansible/test/cache/get_pip_<version>.py`` with pip-install arguments such as
``--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel``. The real script is
downloaded from a host that is unreachable here, so this one bootstraps pip from the
interpreter's bundled ``ensurepip`` and then lets that pip install what was asked for
(from the package registry that pip is configured for).
"""

import os
import subprocess
import sys

DROPPED = ('--no-setuptools', '--no-wheel')


def main():
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]

    env = dict(os.environ)
    env.pop('GET_PIP', None)  # keep ansible-test's quiet_pip.py out of the way of the real pip

    with open(os.devnull, 'wb') as devnull:
        proc = subprocess.Popen(
            [sys.executable, '-m', 'ensurepip', '--default-pip'],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=devnull, env=env,
        )
        output = proc.communicate()[0]

    if proc.returncode != 0:
        sys.stderr.write(output.decode('utf-8', 'replace'))
        sys.stderr.write('get_pip_offline: ensurepip failed with exit code %d\n' % proc.returncode)
        sys.exit(proc.returncode)

    if args:
        sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install', '--quiet'] + args, env=env))


if __name__ == '__main__':
    main()
