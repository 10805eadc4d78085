"""Mirror a collection checkout into an ``ansible_collections/<ns>/<name>`` tree for ansible-test.

Usage: sync_tree.py SRC DST

ansible-test needs the collection at ``.../ansible_collections/<namespace>/<name>`` and resolves
symlinks, so the checkout is copied. Copied: the files git would show (tracked plus
untracked-not-ignored, i.e. ``git ls-files -co --exclude-standard``) and the whole ``.git``
directory, so that ansible-test's own git-based file selection sees the same set. Without git,
everything except local build/venv/output directories is copied.

The copy is incremental (size + mtime); files that vanished from the source are removed from the
destination. ``tests/output/`` in the destination is preserved: it holds ansible-test's cached
delegation virtual environments, which makes warm runs fast.
"""

import os
import shutil
import subprocess
import sys

PRESERVE = ('tests/output/',)
NO_GIT_SKIP_DIRS = {'.git', '.venv', 'build', '.cache', '.ansible', '__pycache__', '.pytest_cache', '.hypothesis'}


def list_source_files(src):
    """Return the relative paths (files and symlinks) to mirror, and directories to keep even if empty."""
    files = set()
    keep_dirs = set()

    if os.path.isdir(os.path.join(src, '.git')):
        out = subprocess.check_output(
            ['git', '-C', src, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'])
        for rel in out.decode('utf-8', 'surrogateescape').split('\0'):
            if rel and os.path.lexists(os.path.join(src, rel)) and not os.path.isdir(os.path.join(src, rel)):
                files.add(rel)

        for root, dirs, names in os.walk(os.path.join(src, '.git')):
            keep_dirs.add(os.path.relpath(root, src))  # git needs e.g. an empty refs/heads
            for name in names:
                files.add(os.path.relpath(os.path.join(root, name), src))
    else:
        for root, dirs, names in os.walk(src):
            reldir = os.path.relpath(root, src)
            dirs[:] = [d for d in dirs if d not in NO_GIT_SKIP_DIRS
                       and os.path.normpath(os.path.join(reldir, d)) != os.path.normpath('tests/output')]
            for name in names:
                if name.endswith(('.pyc', '.pyo')):
                    continue
                files.add(os.path.normpath(os.path.join(reldir, name)))

    return files, keep_dirs


def preserved(rel):
    rel = rel.replace(os.sep, '/')
    return any(rel == p.rstrip('/') or rel.startswith(p) for p in PRESERVE)


def same(src_path, dst_path):
    try:
        s = os.lstat(src_path)
        d = os.lstat(dst_path)
    except OSError:
        return False
    if os.path.islink(src_path) or os.path.islink(dst_path):
        return os.path.islink(src_path) and os.path.islink(dst_path) and os.readlink(src_path) == os.readlink(dst_path)
    return s.st_size == d.st_size and int(s.st_mtime) == int(d.st_mtime) and (s.st_mode & 0o777) == (d.st_mode & 0o777)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)

    src = os.path.abspath(sys.argv[1])
    dst = os.path.abspath(sys.argv[2])

    if dst == src or dst.startswith(src + os.sep) and not os.path.relpath(dst, src).startswith('build' + os.sep):
        sys.exit('sync_tree.py: refusing to copy %s into itself (%s)' % (src, dst))

    files, keep_dirs = list_source_files(src)
    files = {f for f in files if not preserved(f)}
    os.makedirs(dst, exist_ok=True)

    # remove what no longer exists in the source (files, symlinks, then empty directories)
    for root, dirs, names in os.walk(dst, topdown=False):
        reldir = os.path.relpath(root, dst)
        for name in names:
            rel = os.path.normpath(os.path.join(reldir, name))
            if rel not in files and not preserved(rel):
                os.unlink(os.path.join(root, name))
        for name in dirs:
            path = os.path.join(root, name)
            rel = os.path.normpath(os.path.join(reldir, name))
            if os.path.islink(path):
                if rel not in files:
                    os.unlink(path)
            elif not preserved(rel + '/') and rel not in keep_dirs and not os.listdir(path):
                os.rmdir(path)

    for rel in keep_dirs:
        os.makedirs(os.path.join(dst, rel), exist_ok=True)

    copied = 0
    for rel in sorted(files):
        s = os.path.join(src, rel)
        d = os.path.join(dst, rel)
        if same(s, d):
            continue
        os.makedirs(os.path.dirname(d), exist_ok=True)
        if os.path.lexists(d) or os.path.isdir(d):
            if os.path.isdir(d) and not os.path.islink(d):
                shutil.rmtree(d)
            else:
                os.unlink(d)
        if os.path.islink(s):
            os.symlink(os.readlink(s), d)
        else:
            shutil.copy2(s, d)
        copied += 1

    print('sync_tree: %d files mirrored, %d updated -> %s' % (len(files), copied, dst))


if __name__ == '__main__':
    main()
