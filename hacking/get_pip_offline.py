"""Offline stand-in for get-pip.py, seeded into ansible-test's cache by hacking/ansible_test_setup.py.

dataarts-fabric-offline-get-pip (marker: ansible_test_setup.py only overwrites files carrying it)

ansible-test creates each of its virtual environments without pip and bootstraps pip by running
``~/.ansible/test/cache/get_pip_<version>.py`` with pip-install arguments such as
``--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel``. The real script is downloaded from a
host that is unreachable here. This one installs what was asked for and keeps a copy of what it installed:

1. A venv of the same Python asked the same before: copy that venv's bootstrap files (a seed under
   ``get_pip_seeds/`` beside this script; pip, setuptools and wheel are pure Python, their files hold no
   path of the venv; byte code and the bin/pip scripts stay out, ansible-test runs pip as a module).
2. Else the pip of the interpreter the venv was made from installs them into it (``pip --python``, from the
   package registry pip is configured for), and the result becomes the seed.
3. Else (that interpreter has no usable pip) the venv's bundled ``ensurepip``, then its pip.

A cold `make test` bootstraps some 50 venvs: a copy takes a fraction of a second, an install several.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

DROPPED = ('--no-setuptools', '--no-wheel')
SEEDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'get_pip_seeds')
COMPLETE = '.complete'


def base_python():
    """The interpreter this venv was made from (``home`` of its pyvenv.cfg), or None."""
    try:
        with open(os.path.join(sys.prefix, 'pyvenv.cfg')) as config:
            lines = config.read().splitlines()
    except (IOError, OSError):
        return None
    for line in lines:
        key, _sep, value = line.partition('=')
        if key.strip() == 'home':
            path = os.path.join(value.strip(), 'python%d.%d' % sys.version_info[:2])
            if os.access(path, os.X_OK):
                return path
    return None


def quiet(command, env):
    with open(os.devnull, 'wb') as devnull:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=devnull, env=env)
        output = proc.communicate()[0]
    return proc.returncode, output.decode('utf-8', 'replace')


def copy_tree(source, destination):
    """Copy the files under ``source`` into ``destination`` (created as needed), byte code left out."""
    for folder, dirs, files in os.walk(source):
        dirs[:] = [name for name in dirs if name != '__pycache__']
        target = os.path.join(destination, os.path.relpath(folder, source))
        if not os.path.isdir(target):
            os.makedirs(target)
        for name in files:
            if name != COMPLETE and not name.endswith(('.pyc', '.pyo')):
                shutil.copy2(os.path.join(folder, name), os.path.join(target, name))


def seed_path(args):
    key = json.dumps([sys.version, sys.platform, base_python(), sorted(args)])
    return os.path.join(SEEDS, hashlib.sha256(key.encode('utf-8')).hexdigest()[:16])


def save_seed(site, seed):
    """Keep what the bootstrap put into this (until then empty) site-packages; first writer wins."""
    try:
        if not os.path.isdir(SEEDS):
            os.makedirs(SEEDS)
        temp = tempfile.mkdtemp(prefix='.seed-', dir=SEEDS)
        copy_tree(site, temp)
        open(os.path.join(temp, COMPLETE), 'w').close()
        try:
            os.rename(temp, seed)
        except OSError:
            shutil.rmtree(temp, ignore_errors=True)  # another venv saved the same seed meanwhile
    except (IOError, OSError):
        pass  # a seed is only a shortcut


def install(args, env):
    base = base_python()
    if base is not None and args:
        # pip 22.3 and newer install into another interpreter's environment with --python.
        code, _output = quiet([base, '-m', 'pip', '--python', sys.executable, 'install', '--quiet'] + args, env)
        if code == 0:
            return 0

    code, output = quiet([sys.executable, '-m', 'ensurepip', '--default-pip'], env)
    if code != 0:
        sys.stderr.write(output)
        sys.stderr.write('get_pip_offline: ensurepip failed with exit code %d\n' % code)
        return code
    if args:
        return subprocess.call([sys.executable, '-m', 'pip', 'install', '--quiet'] + args, env=env)
    return 0


def main():
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]

    env = dict(os.environ)
    env.pop('GET_PIP', None)  # keep ansible-test's quiet_pip.py out of the way of the real pip

    site = sysconfig.get_paths()['purelib']
    seed = seed_path(args)
    empty = not os.listdir(site) if os.path.isdir(site) else False

    if empty and os.path.isfile(os.path.join(seed, COMPLETE)):
        try:
            copy_tree(seed, site)
            sys.exit(0)
        except (IOError, OSError):
            pass  # fall back to an install over whatever was copied

    code = install(args, env)
    if code == 0 and empty and sys.prefix != sys.base_prefix:
        save_seed(site, seed)
    sys.exit(code)


if __name__ == '__main__':
    main()
