# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""JUnit results of `make test`: one folder per run under build/test-results, summed into one closing line.

A run folder holds junit ``*.xml`` files and the run's exit code in ``rc``. Every ``<testcase>`` counts once:
with ``<failure>``/``<error>`` as failed, with ``<skipped>`` as skipped, else as passed (sanity: one case per
sanity test and Python; units: one per pytest test; integration: one per task, from ansible's junit callback;
the other sessions: one per check). A run that exited non-zero without a failed case counts as one failed
test, so a broken step never looks green.

    python hacking/results.py RESULTS_DIR [RUN-PREFIX...]   prints the table and the closing line
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

Counts = list  # [passed, failed, skipped]


def write_cases(run_dir: Path, suite: str, cases: list[tuple[str, str | None, str | None]], rc: int) -> None:
    """Write ``cases`` (name, failure text or None, skip reason or None) as one junit file, and ``rc``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    parts = []
    for name, failure, skipped in cases:
        if failure is not None:
            parts.append('<testcase classname=%s name=%s><failure message=%s>%s</failure></testcase>' % (
                quoteattr(suite), quoteattr(name), quoteattr('%s failed' % name), escape(failure)))
        elif skipped is not None:
            parts.append('<testcase classname=%s name=%s><skipped message=%s/></testcase>' % (
                quoteattr(suite), quoteattr(name), quoteattr(skipped)))
        else:
            parts.append('<testcase classname=%s name=%s/>' % (quoteattr(suite), quoteattr(name)))
    (run_dir / ('%s.xml' % suite)).write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name=%s tests="%d">%s</testsuite></testsuites>\n'
        % (quoteattr(suite), len(cases), ''.join(parts)), encoding='utf-8')
    write_rc(run_dir, rc)


def write_rc(run_dir: Path, rc: int) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / 'rc').write_text('%d\n' % rc, encoding='utf-8')


def add_timing(results: Path, name: str, seconds: float, rc: int) -> None:
    """One line of results/timings.txt, which `make test` prints before the closing line."""
    results.mkdir(parents=True, exist_ok=True)
    with open(results / 'timings.txt', 'a', encoding='utf-8') as timings:
        timings.write('%-58s %6.0f s  exit %d\n' % (name, seconds, rc))


def count_file(path: Path) -> Counts:
    counts = [0, 0, 0]
    for case in ET.parse(path).getroot().iter('testcase'):
        if case.find('failure') is not None or case.find('error') is not None:
            counts[1] += 1
        elif case.find('skipped') is not None:
            counts[2] += 1
        else:
            counts[0] += 1
    return counts


def count_run(run_dir: Path) -> tuple[Counts, list[str]]:
    counts = [0, 0, 0]
    notes = []
    for xml in sorted(run_dir.glob('*.xml')):
        try:
            counts = [a + b for a, b in zip(counts, count_file(xml))]
        except (ET.ParseError, OSError) as exc:
            counts[1] += 1
            notes.append('unreadable %s: %s' % (xml.name, exc))
    try:
        rc = int((run_dir / 'rc').read_text().strip() or '1')
    except (OSError, ValueError):
        rc = 0
    if rc != 0 and counts[1] == 0:
        counts[1] += 1
        notes.append('exit code %d without a failed test case: counted as 1 failed' % rc)
    return counts, notes


def summarize(results: Path, prefixes: tuple[str, ...] = ()) -> int:
    """Print one line per run, then the closing line last; return 1 when anything failed."""
    total = [0, 0, 0]
    runs = sorted(path for path in results.iterdir() if path.is_dir()) if results.is_dir() else []
    lines = []
    for run_dir in runs:
        if prefixes and not run_dir.name.startswith(prefixes):
            continue
        counts, notes = count_run(run_dir)
        total = [a + b for a, b in zip(total, counts)]
        lines.append('  %-36s %4d passed, %3d failed, %3d skipped%s' % (
            run_dir.name, counts[0], counts[1], counts[2], ('  (%s)' % '; '.join(notes)) if notes else ''))
    if lines:
        print('results by run (%s):' % results)
        print('\n'.join(lines))
    sys.stdout.flush()
    print('tests: %d passed, %d failed, %d skipped' % tuple(total))
    return 1 if total[1] else 0


if __name__ == '__main__':
    sys.exit(summarize(Path(sys.argv[1] if len(sys.argv) > 1 else 'build/test-results'), tuple(sys.argv[2:])))
