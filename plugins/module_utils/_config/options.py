# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The one table of options, and the only place a default lives.

Every option of every face is declared once here: the connection and query options all faces share, the
module's wait, the event source's watch and fabric_session's lifecycle. The table builds the argument specs, the
lookup's plugin documentation (with its ``vars:`` entries) and the shared doc fragments (hacking/generate.py). The checks
across options are the loader's, so every face fails with the same message.
"""

from __future__ import annotations

import typing as t

from .face_options import LIFECYCLE_OPTIONS, WAIT_OPTIONS, WATCH_OPTIONS
from .query_options import QUERY_OPTIONS
from .schema import (
    Option,
    BACKOFF_MAX_SECONDS,
    RETRIES_MAX,
    RETRY_AFTER_MAX_SECONDS,
    TIMEOUT_MAX_SECONDS,
    TOTAL_TIMEOUT_FACTOR,
    TOTAL_TIMEOUT_MAX_SECONDS,
)


CONNECTION_OPTIONS = (
    Option(
        'endpoint', 'str',
        ('Base URL of the DataArts Fabric API, for example V(https://fabric.cn-north-4.myhuaweicloud.com).',
         'It is the base URL only: without C(/v1) or any other path of the API.',
         'When not set, it is derived from O(region) as C(https://fabric.{region}.{cloud}) (see O(cloud)).',
         'One of O(endpoint) and O(region) is required.'),
        env=('DATAARTS_FABRIC_ENDPOINT',),
    ),
    Option(
        'region', 'str',
        ('Huawei Cloud region name, for example V(cn-north-4), used to derive O(endpoint) when that is not set.',),
        env=('HW_REGION_NAME', 'ANSIBLE_HWC_REGION'),
    ),
    Option(
        'cloud', 'str',
        ('Domain suffix of every URL derived from O(region): C(https://fabric.{region}.{cloud}) and'
         ' C(https://iam.{region}.{cloud}); set it for dedicated and private clouds.',
         'When not set, V(myhuaweicloud.eu) for the European site (regions whose name starts with V(eu-west-1),'
         ' such as V(eu-west-101)) and V(myhuaweicloud.com) everywhere else.'),
        env=('HW_CLOUD', 'ANSIBLE_HWC_CLOUD'),
    ),
    Option(
        'profile', 'str',
        ('Name of the KooCLI (C(hcloud)) profile to read from its configuration file, by default'
         ' C(~/.hcloud/config.json) (E(HW_SHARED_CONFIG_FILE) overrides the path). When not set, the file\'s'
         ' current profile.',
         'A profile is a way to authenticate of its own: a profile named explicitly wins over credentials in the'
         ' environment; named beside credentials at the same level, or not in the file, it is an error. When no'
         ' profile is named, the files are read only when neither options nor environment variables configure a way'
         ' to authenticate.',
         'The profile also supplies O(region) and O(security_token) where those are unset; its O(project_id) wins'
         ' over one from the environment, and so does its O(region) when it has a project ID (a project ID belongs'
         ' to one region). An option still wins, and a warning says when the O(region) or O(endpoint) in use is'
         ' in another region than the profile\'s.',
         'After the KooCLI profile, the official SDK\'s credentials file C(~/.huaweicloud/credentials)'
         ' (E(HUAWEICLOUD_SDK_CREDENTIALS_FILE) overrides the path; section C([basic]), keys C(ak), C(sk),'
         ' C(security_token), C(project_id), C(iam_endpoint)) is read.',
         'Profiles that KooCLI stores encrypted cannot be read; store them unencrypted with'
         ' C(hcloud configure set --cli-auth-encrypt=false), or use environment variables.'),
        env=('HW_PROFILE',),
    ),
    Option(
        'auth_token', 'str',
        ('IAM token sent as the C(X-Auth-Token) header.',
         'One of the three ways to authenticate, with O(access_key) and O(secret_key), and with O(username),'
         ' O(password) and O(domain_name): configure exactly one.'),
        env=('DATAARTS_FABRIC_AUTH_TOKEN', 'HW_AUTH_TOKEN'), no_log=True,
    ),
    Option(
        'access_key', 'str',
        ('Access key ID (AK) used to sign every request with C(SDK-HMAC-SHA256), as the official SDKs do.',
         'Requires O(secret_key) and O(project_id). One of the three ways to authenticate (see O(auth_token)).'),
        env=('HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY', 'ANSIBLE_HWC_ACCESS_KEY'),
    ),
    Option(
        'secret_key', 'str',
        ('Secret access key (SK) paired with O(access_key). It signs requests and is never sent.',),
        env=('HUAWEICLOUD_SDK_SK', 'HW_SECRET_KEY', 'ANSIBLE_HWC_SECRET_KEY'), no_log=True,
    ),
    Option(
        'security_token', 'str',
        ('Security token of temporary AK/SK credentials, sent and signed as C(X-Security-Token).',
         'Only used with O(access_key) and O(secret_key).'),
        env=('HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HW_SECURITY_TOKEN'), no_log=True,
    ),
    Option(
        'project_id', 'str',
        ('Project ID sent and signed as C(X-Project-Id) with AK/SK signing; with O(username) and O(password), the'
         ' project the token is scoped to.',
         'Required with O(access_key) and O(secret_key), and checked before any request: the API gateway rejects'
         ' signed requests without it for project-level services such as this one.'),
        env=('HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID', 'ANSIBLE_HWC_PROJECT_ID'),
    ),
    Option(
        'username', 'str',
        ('Name of an IAM user whose password is exchanged for an IAM token at O(iam_endpoint).',
         'Requires O(password), O(domain_name), and O(project_id) or O(project_name) as the scope of the token.',
         'The token is shared by every page, term and lookup call, and by later tasks and plays while it is valid'
         ' (see O(token_cache)); when the API answers HTTP 401, or HTTP 403 to a token from the cache (the roles'
         ' of the user may have changed since it was issued), it is fetched again once.'),
        env=('DATAARTS_FABRIC_USERNAME', 'HW_USER_NAME'),
    ),
    Option(
        'password', 'str',
        ('Password of O(username). It is only sent to O(iam_endpoint), never logged.',),
        env=('DATAARTS_FABRIC_PASSWORD', 'HW_PASSWORD'), no_log=True,
    ),
    Option(
        'domain_name', 'str',
        ('Account (domain) name that O(username) belongs to.',),
        env=('DATAARTS_FABRIC_DOMAIN_NAME', 'HW_DOMAIN_NAME'),
    ),
    Option(
        'project_name', 'str',
        ('Project name, for example V(cn-north-4), scoping the token fetched with O(username) and O(password)'
         ' when O(project_id) is not set.',),
        env=('DATAARTS_FABRIC_PROJECT_NAME', 'HW_PROJECT_NAME'),
    ),
    Option(
        'iam_endpoint', 'str',
        ('Base URL of the IAM service that exchanges O(username) and O(password) for a token.',
         'With or without the trailing C(/v3) (as the Terraform provider writes E(HW_AUTH_URL)).',
         'When not set, it is derived from O(region) as C(https://iam.{region}.{cloud}) (see O(cloud)).'),
        env=('DATAARTS_FABRIC_IAM_ENDPOINT', 'HW_AUTH_URL'),
    ),
    Option(
        'validate_certs', 'bool',
        ('Whether to verify the TLS certificate of the endpoint.',
         'Set to V(false) only on trusted networks, for example for a test service with a self-signed certificate.'),
        default=True,
    ),
    Option(
        'ca_path', 'path',
        ('Path of a PEM file of CA certificates used to verify the endpoint instead of the system store.',),
    ),
    Option(
        'timeout', 'float',
        ('Seconds one request may take in all: connecting, the response headers and the whole body. A request'
         ' that takes longer is cut off (and retried like a read timeout).',
         'A finite number above 0, at most %d.' % TIMEOUT_MAX_SECONDS),
        default=30,
    ),
    Option(
        'connect_timeout', 'float',
        ('Seconds to wait for a connection to the endpoint (or IAM) to open, part of O(timeout): a host that does'
         ' not accept connections fails after this long instead of after O(timeout).',
         'A finite number above 0, at most %d; when above O(timeout), O(timeout) applies.' % TIMEOUT_MAX_SECONDS),
        default=10,
    ),
    Option(
        'total_timeout', 'float',
        ('Seconds one task or lookup call may take in all, every page, status, workspace and retry included.',
         'When not set, %d times O(timeout) (%d seconds with the default O(timeout)).'
         % (TOTAL_TIMEOUT_FACTOR, TOTAL_TIMEOUT_FACTOR * 30),
         'A finite number above 0, at most %d.' % TOTAL_TIMEOUT_MAX_SECONDS),
    ),
    Option(
        'proxy', 'str',
        ('URL of the HTTP proxy for this task, for example V(http://proxy.example.com:3128), overriding'
         ' E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY).',
         'It may hold a user name and password (V(http://user:password@proxy.example.com:3128)); the option is'
         ' therefore treated as a secret: never shown in results or messages, and the credentials of any proxy'
         ' URL (also from the environment) are removed from every message.',
         'When not set, those environment variables apply the standard way.'),
        no_log=True,
    ),
    Option(
        'allow_plain_http', 'bool',
        ('Allow an O(endpoint) with plain C(http://) on a host other than the loopback interface.',
         'Credentials (a token, or signed requests that can be replayed) then cross the network unencrypted;'
         ' leave V(false) unless a trusted proxy on the path does TLS.',
         'Plain C(http://) to V(localhost), V(127.0.0.0/8) or V(::1) (a service on this host) is always allowed.'),
        default=False,
    ),
    Option(
        'retries', 'int',
        ('How many times a request is retried after a connection error, a read timeout, or HTTP 408, 429, 500,'
         ' 502, 503 or 504, with exponential backoff and honouring C(Retry-After).',
         'Each retry is reported as a warning naming the status and the request ID.',
         'A request that creates a session (M(dataarts.fabric.fabric_session)) is retried only after HTTP 429 or 503'
         ' or when no connection could be made: after anything else the service may have created the session.',
         'V(0) disables retries; at most %d.' % RETRIES_MAX,
         'All requests of one task or lookup call share a budget of O(retries) times (O(concurrency) + 1)'
         ' retries, so that a gateway failing every request ends the call early.'),
        default=3,
    ),
    Option(
        'token_cache', 'bool',
        ('Whether the IAM token fetched with O(username) and O(password) is kept for later tasks, hosts, lookups'
         ' and plays of the same user on the same machine, until 5 minutes before it expires.',
         'The cache is one file of mode C(0600) per identity in a directory of mode C(0700),'
         ' C(dataarts.fabric/tokens) under E(XDG_CACHE_HOME) (an absolute path) or C(~/.cache). Every directory on'
         ' the way must be owned by the user or root and not writable by others (unless it has the sticky bit, as'
         ' C(/tmp)); a symbolic link is followed only when the user or root owns it; a file is used only when it'
         ' is a regular file of the user that others cannot open. Otherwise the cache is not used, with a'
         ' warning, and the task asks IAM.',
         'Files are named by an HMAC of the IAM endpoint, domain, user, project and password under a random key'
         ' kept beside them: a name reveals nothing, and a changed password never reuses a token. Names are never'
         ' shown.',
         'Tasks that find no token wait (at most O(timeout) seconds) for the one asking IAM and take its token:'
         ' ten hosts at once make one IAM request.',
         'Set to V(false) to ask IAM for a new token in every task.'),
        default=True, env=('DATAARTS_FABRIC_TOKEN_CACHE',),
    ),
    Option(
        'retry_backoff', 'float',
        ('Seconds of the first wait before a retry; each further retry waits up to twice as long (with random'
         ' jitter, at most %d seconds).' % BACKOFF_MAX_SECONDS,
         'A C(Retry-After) header sent with HTTP 429 or 503 is honoured instead, up to %d seconds.'
         % RETRY_AFTER_MAX_SECONDS),
        default=0.5,
    ),
)


# The options every face shares: they are resolved against the environment and the credential files.
ALL_OPTIONS = CONNECTION_OPTIONS + QUERY_OPTIONS
OPTION_NAMES = tuple(option.name for option in ALL_OPTIONS)
_DEFAULTS = {option.name: option.default for option in ALL_OPTIONS + WAIT_OPTIONS + WATCH_OPTIONS + LIFECYCLE_OPTIONS}


def default_of(name: str) -> t.Any:
    """The default of any option of any face (None where it has none)."""
    return _DEFAULTS[name]
