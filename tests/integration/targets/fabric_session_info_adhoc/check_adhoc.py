"""Check the output of an ad-hoc fabric_session_info call against what the emulator holds.

    python check_adhoc.py success|failure OUTPUT_FILE EMULATOR_URL
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request


def host_result(text: str) -> tuple[str, dict]:
    """The state and result of the "localhost | STATE => {...}" block of the default callback."""
    match = re.search(r'^localhost \| (SUCCESS|FAILED!|CHANGED) => ', text, re.MULTILINE)
    if not match:
        raise AssertionError('no "localhost | ... =>" result in the output')
    result, _end = json.JSONDecoder().raw_decode(text[match.end():])
    return match.group(1), result


def emulator(url: str, path: str) -> dict:
    request = urllib.request.Request(url + path)
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
        return json.load(response)


def main() -> None:
    kind, path, url = sys.argv[1:4]
    with open(path, encoding='utf-8') as stream:
        text = stream.read()
    state, result = host_result(text)
    requests = emulator(url, '/_emulator/log')['requests']

    if kind == 'success':
        held = emulator(url, '/_emulator/workspaces/ws-demo')['sessions']
        expected = [session for session in held if session['status'] == 'FAIL']
        assert expected, 'ws-demo holds no FAIL session'
        assert state == 'SUCCESS', state
        assert result['changed'] is False, result
        assert result['sessions'] == expected, (result['sessions'], expected)
        assert result['total'] == len(expected), result['total']
        assert result['counts'] == {'RUNNING': 0, 'CLOSED': 0, 'WAITING': 0, 'CREATING': 0,
                                    'FAIL': len(expected)}, result['counts']
        last = requests[-1]
        assert last['path'] == '/v1/workspaces/ws-demo/sessions', last
        assert ['status', 'FAIL'] in last['query'], last
        assert last['auth'] == 'token' and last['status'] == 200, last
        print('ad-hoc success checked: %d FAIL session(s)' % len(expected))
    else:
        assert state == 'FAILED!', state
        assert result['status_code'] == 404, result
        assert result['error_code'] == 'common.01000001', result
        assert result['request_id'] == requests[-1]['request_id'], (result, requests[-1])
        for part in ('HTTP 404', 'response status exception, code: 404',
                     '/v1/workspaces/ws-no-such-workspace/sessions',
                     'request id: %s' % result['request_id']):
            assert part in result['msg'], (part, result['msg'])
        print('ad-hoc failure checked: %s' % result['msg'])


if __name__ == '__main__':
    main()
