"""Sum ansible-test's junit XML output into one closing line.

Usage: python junit_summary.py RESULTS_DIR [RUN-PREFIX...]

RESULTS_DIR holds one folder per ansible-test run (written by hacking/run-suite.sh), each with
the run's junit ``*.xml`` files and its exit code in ``rc``. With RUN-PREFIX arguments only
the runs whose folder name starts with one of them are counted. Every ``<testcase>`` counts once:
with ``<failure>``/``<error>`` as failed, with ``<skipped>`` as skipped, else as passed.
(sanity: one case per sanity test and Python; units: one per pytest test; integration: one per
task, from ansible's junit callback.) A run that exited non-zero without a failed case in its
XML (for example it died while installing requirements) counts as one failed test, so a broken
step can never look green.

Prints a short per-run table, then exactly one closing line as the last line:
``tests: N passed, N failed, N skipped``. Exits 1 when anything failed.
"""

import os
import sys
import xml.etree.ElementTree as ET


def count_file(path):
    passed = failed = skipped = 0
    root = ET.parse(path).getroot()
    for case in root.iter('testcase'):
        if case.find('failure') is not None or case.find('error') is not None:
            failed += 1
        elif case.find('skipped') is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main():
    results = sys.argv[1] if len(sys.argv) > 1 else 'build/test-results'
    total = [0, 0, 0]
    lines = []
    prefixes = tuple(sys.argv[2:])
    runs = sorted(os.listdir(results)) if os.path.isdir(results) else []
    if prefixes:
        runs = [run for run in runs if run.startswith(prefixes)]

    for run in runs:
        run_dir = os.path.join(results, run)
        if not os.path.isdir(run_dir):
            continue
        counts = [0, 0, 0]
        notes = []
        for name in sorted(os.listdir(run_dir)):
            if not name.endswith('.xml'):
                continue
            try:
                for i, n in enumerate(count_file(os.path.join(run_dir, name))):
                    counts[i] += n
            except (ET.ParseError, OSError) as ex:
                counts[1] += 1
                notes.append('unreadable %s: %s' % (name, ex))
        try:
            with open(os.path.join(run_dir, 'rc')) as rc_file:
                rc = int(rc_file.read().strip() or '1')
        except (OSError, ValueError):
            rc = 0
        if rc != 0 and counts[1] == 0:
            counts[1] += 1
            notes.append('exit code %d without a failed test case: counted as 1 failed' % rc)
        for i in range(3):
            total[i] += counts[i]
        lines.append('  %-36s %4d passed, %3d failed, %3d skipped%s'
                     % (run, counts[0], counts[1], counts[2], ('  (' + '; '.join(notes) + ')') if notes else ''))

    if lines:
        print('results by run (%s):' % results)
        print('\n'.join(lines))
    sys.stdout.flush()
    print('tests: %d passed, %d failed, %d skipped' % tuple(total))
    return 1 if total[1] else 0


if __name__ == '__main__':
    sys.exit(main())
