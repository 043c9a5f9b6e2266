#!/bin/bash
# The JSON Schema of the answer file (kickstart/answer-file.schema.json):
#   - is a valid draft 2020-12 schema, with additionalProperties: false on
#     every object it describes;
#   - accepts every docs/examples/*.yaml and tests/fixtures/answers/good/*.yaml;
#   - accepts the YAML snippets in docs/answer-file.md;
#   - rejects the broken documents below (so this check can fail at all);
#   - has every key it knows documented in docs/answer-file.md.
# YAML is read like the installer reads it: duplicate keys are errors.
# Needs python3 with the jsonschema and yaml modules (scripts/deps.sh).
set -eu

SRC=${AZL_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}

if ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
	echo "check-schema: python3 jsonschema and yaml modules are missing (scripts/deps.sh)" >&2
	exit 77
fi

exec python3 - "$SRC" <<'PYTHON'
import glob
import json
import os
import sys

import jsonschema
import yaml

src = sys.argv[1]
schema_path = os.path.join(src, "kickstart", "answer-file.schema.json")
doc_path = os.path.join(src, "docs", "answer-file.md")
failures = []


def fail(msg):
    failures.append(msg)
    print("check-schema: FAIL: " + msg, file=sys.stderr)


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, as the installer does."""


def _mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            m = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, "duplicate key '%s' at line %d, column %d"
                % (key, m.line + 1, m.column + 1), m)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(text):
    return yaml.load(text, Loader=StrictLoader)


with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)

jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)


# Every object in the schema closes itself: an unknown key must be an error.
def walk(node, where):
    if isinstance(node, dict):
        # A schema as additionalProperties (a typed free-form mapping) is
        # deliberate; a missing one or true is not.
        types = node.get("type")
        types = types if isinstance(types, list) else [types]
        if "object" in types and node.get("additionalProperties", True) is True:
            fail("%s: an object without additionalProperties: false" % where)
        for k, v in node.items():
            walk(v, where + "/" + k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(v, "%s/%d" % (where, i))


walk(schema, "#")


def errors_of(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def where(e):
    return "/".join(str(p) for p in e.absolute_path) or "(top level)"


# --- documents that must pass ---------------------------------------------
good = sorted(glob.glob(os.path.join(src, "docs", "examples", "*.yaml")))
if len(good) < 6:
    fail("expected at least six docs/examples/*.yaml, found %d" % len(good))
good += sorted(glob.glob(os.path.join(src, "tests", "fixtures", "answers", "good", "*.yaml")))

for path in good:
    rel = os.path.relpath(path, src)
    try:
        with open(path, encoding="utf-8") as f:
            doc = load_yaml(f.read())
    except yaml.YAMLError as e:
        fail("%s: not valid YAML: %s" % (rel, e))
        continue
    errs = errors_of(doc)
    for e in errs:
        fail("%s: %s: %s" % (rel, where(e), e.message))
    if not errs:
        print("ok   %s" % rel)

# The YAML snippets of docs/answer-file.md are valid too (a snippet without
# a version gets one).
try:
    with open(doc_path, encoding="utf-8") as f:
        doc_lines = f.read().split("\n")
except OSError:
    doc_lines = []
snippet, start = None, 0
for n, line in enumerate(doc_lines, 1):
    if snippet is None and line.strip() == "```yaml":
        snippet, start = [], n + 1
    elif snippet is not None and line.strip() == "```":
        text = "\n".join(snippet) + "\n"
        label = "docs/answer-file.md:%d" % start
        try:
            doc = load_yaml(text)
            if not isinstance(doc, dict) or "version" not in doc:
                doc = load_yaml("version: 1\n" + text)
        except yaml.YAMLError as e:
            fail("%s: not valid YAML: %s" % (label, e))
        else:
            errs = errors_of(doc)
            for e in errs:
                fail("%s: %s: %s" % (label, where(e), e.message))
            if not errs:
                print("ok   %s" % label)
        snippet = None
    elif snippet is not None:
        snippet.append(line)

# --- documents that must fail ---------------------------------------------
# (name, YAML text). Each is a small, otherwise valid file with one mistake.
BAD = [
    ("unknown top-level key", "version: 1\nhostnme: node01\n"),
    ("unknown key in storage", "version: 1\nstorage: {wipe: all, wipe_all: true}\n"),
    ("unknown key in a partition", "version: 1\nstorage:\n  partitions:\n    - {mount: /, size: 8G, fstype: xfs}\n"),
    ("unknown key in a user", "version: 1\naccounts:\n  users:\n    - {name: a, passwd: x}\n"),
    ("missing version", "hostname: node01\n"),
    ("version 2", "version: 2\n"),
    ("version as a string", "version: \"1\"\n"),
    ("wrong enum: wipe", "version: 1\nstorage: {wipe: everything}\n"),
    ("wrong enum: table", "version: 1\nstorage: {table: mbr}\n"),
    ("wrong enum: fs", "version: 1\nstorage:\n  partitions: [{mount: /, fs: zfs}]\n"),
    ("unknown key in a subvolume", "version: 1\nstorage:\n  partitions:\n    - {fs: btrfs, subvolumes: [{name: root, mount: /, compress: zstd}]}\n"),
    ("subvolumes without fs: btrfs", "version: 1\nstorage:\n  partitions:\n    - {fs: xfs, subvolumes: [{name: root, mount: /}]}\n"),
    ("subvolumes with a mount of the partition", "version: 1\nstorage:\n  partitions:\n    - {mount: /, fs: btrfs, subvolumes: [{name: home, mount: /home}]}\n"),
    ("subvolume mounted as swap", "version: 1\nstorage:\n  partitions:\n    - {fs: btrfs, subvolumes: [{name: s, mount: swap}]}\n"),
    ("wrong enum: guided filesystem vfat", "version: 1\nstorage: {filesystem: vfat}\n"),
    ("wrong enum: firmware", "version: 1\nbootloader: {firmware: efi}\n"),
    ("wrong enum: selinux", "version: 1\nselinux: off\n"),
    ("wrong enum: finish", "version: 1\nfinish: halt\n"),
    ("wrong enum: interactive", "version: 1\ninteractive: [disks]\n"),
    ("wrong enum: pbkdf", "version: 1\nstorage:\n  encryption: {passphrase: x, pbkdf: scrypt}\n"),
    ("bad size unit", "version: 1\nstorage: {swap: 2GB}\n"),
    ("bad size percent", "version: 1\nstorage:\n  partitions: [{mount: /, size: 101%}]\n"),
    ("negative size", "version: 1\nstorage:\n  partitions: [{mount: /, size: -1}]\n"),
    ("disk index 0", "version: 1\nstorage:\n  partitions: [{mount: /, disk: 0}]\n"),
    ("bad disk match", "version: 1\nstorage:\n  disks: [{match: {size: biggest}}]\n"),
    ("mount not absolute", "version: 1\nstorage:\n  partitions: [{mount: boot}]\n"),
    ("hostname with underscore", "version: 1\nhostname: my_host\n"),
    ("hostname label ends in -", "version: 1\nhostname: node-.example.com\n"),
    ("hostname label too long", "version: 1\nhostname: " + "a" * 64 + "\n"),
    ("bad MAC", "version: 1\nnetwork:\n  interfaces: [{match: {mac: \"52:54:00:12:34\"}}]\n"),
    ("unquoted MAC read as a number", "version: 1\nnetwork:\n  interfaces: [{match: {mac: 52:54:00:12:34:56}}]\n"),
    ("interface without name or match", "version: 1\nnetwork:\n  interfaces: [{dhcp4: true}]\n"),
    ("address without prefix", "version: 1\nnetwork:\n  interfaces: [{name: eth0, addresses: [192.0.2.10]}]\n"),
    ("vlan id 4095", "version: 1\nnetwork:\n  interfaces: [{name: v, vlan: {id: 4095, link: eth0}}]\n"),
    ("bond option without =", "version: 1\nnetwork:\n  interfaces: [{name: bond0, bond: {interfaces: [eth0], options: [miimon]}}]\n"),
    ("password and password_hash", "version: 1\naccounts:\n  root: {password: x, password_hash: \"$y$j9T$a$b\"}\n"),
    ("user without name", "version: 1\naccounts:\n  users: [{groups: [wheel]}]\n"),
    ("hash that is no hash", "version: 1\naccounts:\n  users: [{name: a, password_hash: secret}]\n"),
    ("repo without baseurl", "version: 1\npackages:\n  repos: [{name: r}]\n"),
    ("repo with ftp baseurl", "version: 1\npackages:\n  repos: [{name: r, baseurl: \"ftp://x/\"}]\n"),
    ("null section item", "version: 1\naccounts:\n  users: [~]\n"),
    ("empty encryption", "version: 1\nstorage:\n  encryption:\n"),
    ("chroot in a pre script", "version: 1\nscripts:\n  pre: [{run: \"true\", chroot: true}]\n"),
    ("script without run", "version: 1\nscripts:\n  post: [{interpreter: /bin/sh}]\n"),
    ("timeout negative", "version: 1\nbootloader: {timeout: -1}\n"),
    ("boolean as string", "version: 1\nstorage:\n  partitions: [{mount: /, grow: \"yes\"}]\n"),
    ("encryption without a passphrase", "version: 1\nstorage:\n  encryption: {pbkdf: argon2id}\n"),
    ("user named root", "version: 1\naccounts:\n  users: [{name: root}]\n"),
    ("upper-case keymap", "version: 1\nkeyboard: US\n"),
    ("mount with ..", "version: 1\nstorage:\n  partitions: [{mount: /srv/../etc}]\n"),
    ("repo priority 100", "version: 1\npackages:\n  repos: [{name: r, baseurl: \"file:///r\", priority: 100}]\n"),
    ("unknown repo preset", "version: 1\npackages:\n  repos: [{preset: azurelinx}]\n"),
    ("repo preset with a baseurl", "version: 1\npackages:\n  repos: [{preset: azurelinux, baseurl: \"https://x/\"}]\n"),
    ("repo preset with a key", "version: 1\npackages:\n  repos: [{preset: azurelinux, gpgkey: /k}]\n"),
    ("repo preset without gpgcheck", "version: 1\npackages:\n  repos: [{preset: azurelinux, gpgcheck: false}]\n"),
    # issue 6: volume groups, boot drive, interface matches, ntp, allow_ssh
    ("physical volume with a mount", "version: 1\nstorage:\n  partitions: [{volume_group: vg, mount: /srv}]\n  volume_groups: [{name: vg}]\n"),
    ("physical volume with fs", "version: 1\nstorage:\n  partitions: [{volume_group: vg, fs: xfs}]\n  volume_groups: [{name: vg}]\n"),
    ("volume without name", "version: 1\nstorage:\n  partitions: [{mount: /, size: 8G}, {volume_group: vg, size: grow}]\n  volume_groups: [{name: vg, volumes: [{mount: /home, size: 1G}]}]\n"),
    ("volume group without name", "version: 1\nstorage:\n  partitions: [{mount: /, size: 8G}, {volume_group: vg, size: grow}]\n  volume_groups: [{volumes: [{name: home, mount: /home}]}]\n"),
    ("volume groups without partitions", "version: 1\nstorage:\n  volume_groups: [{name: vg, volumes: [{name: root, mount: /}]}]\n"),
    ("volume name starting with -", "version: 1\nstorage:\n  partitions: [{mount: /, size: 8G}, {volume_group: vg, size: grow}]\n  volume_groups: [{name: vg, volumes: [{name: -root, mount: /srv}]}]\n"),
    ("volume group named ..", "version: 1\nstorage:\n  partitions: [{mount: /, size: 8G}, {volume_group: vg, size: grow}]\n  volume_groups: [{name: \"..\"}]\n"),
    ("volume name with a space", "version: 1\nstorage:\n  partitions: [{mount: /, size: 8G}, {volume_group: vg, size: grow}]\n  volume_groups: [{name: vg, volumes: [{name: \"my lv\"}]}]\n"),
    ("volume name of 128 characters", "version: 1\nstorage:\n  partitions: [{mount: /, size: 8G}, {volume_group: vg, size: grow}]\n  volume_groups: [{name: vg, volumes: [{name: LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL}]}]\n"),
    ("encrypt on a volume", "version: 1\nstorage:\n  partitions: [{mount: /, size: 8G}, {volume_group: vg, size: grow}]\n  volume_groups: [{name: vg, volumes: [{name: home, encrypt: true}]}]\n"),
    ("/boot as a volume", "version: 1\nstorage:\n  partitions: [{mount: /, size: 8G}, {volume_group: vg, size: grow}]\n  volume_groups: [{name: vg, volumes: [{name: boot, mount: /boot}]}]\n"),
    ("volume size 150%", "version: 1\nstorage:\n  partitions: [{mount: /, size: 8G}, {volume_group: vg, size: grow}]\n  volume_groups: [{name: vg, volumes: [{name: home, size: 150%}]}]\n"),
    ("boot_drive 0", "version: 1\nbootloader: {boot_drive: 0}\n"),
    ("boot_drive as a list", "version: 1\nbootloader: {boot_drive: [1]}\n"),
    ("match link false", "version: 1\nnetwork:\n  interfaces: [{match: {link: false}}]\n"),
    ("match by link and bootif", "version: 1\nnetwork:\n  interfaces: [{match: {link: true, bootif: true}}]\n"),
    ("empty match", "version: 1\nnetwork:\n  interfaces: [{match: {}}]\n"),
    ("name and match together", "version: 1\nnetwork:\n  interfaces: [{name: eth0, match: {bootif: true}}]\n"),
    ("VLAN matched by MAC", "version: 1\nnetwork:\n  interfaces: [{match: {mac: \"52:54:00:12:34:56\"}, vlan: {id: 10}}]\n"),
    ("ntp server with a space", "version: 1\nntp: {servers: [\"ntp one\"]}\n"),
    ("ntp pools as a string", "version: 1\nntp: {pools: pool.ntp.org}\n"),
    ("ntp enabled as a string", "version: 1\nntp: {enabled: \"no\"}\n"),
    ("unknown key in ntp", "version: 1\nntp: {server: [a.example.com]}\n"),
    ("allow_ssh as a string", "version: 1\naccounts:\n  root: {allow_ssh: \"yes\"}\n"),
]
for name, text in BAD:
    try:
        doc = load_yaml(text)
    except yaml.YAMLError as e:
        fail("broken document '%s' is not even YAML (fix the test): %s" % (name, e))
        continue
    if not errors_of(doc):
        fail("the schema accepts a broken document: %s:\n%s" % (name, text))
    else:
        print("ok   rejects: %s" % name)

# The strict loader itself must refuse duplicate keys.
try:
    load_yaml("version: 1\nhostname: a\nhostname: b\n")
    fail("duplicate keys are accepted")
except yaml.YAMLError:
    print("ok   rejects: duplicate key")

# --- every key is documented ----------------------------------------------
keys = set()


def collect(node):
    if isinstance(node, dict):
        for k, v in node.get("properties", {}).items():
            keys.add(k)
        for v in node.values():
            collect(v)
    elif isinstance(node, list):
        for v in node:
            collect(v)


collect(schema)
try:
    with open(doc_path, encoding="utf-8") as f:
        doc_text = f.read()
except OSError as e:
    fail("cannot read %s: %s" % (os.path.relpath(doc_path, src), e.strerror))
    doc_text = None
if doc_text is not None:
    for k in sorted(keys):
        if "`%s`" % k not in doc_text and "`%s:" % k not in doc_text:
            fail("key '%s' is in the schema but not in docs/answer-file.md" % k)

if failures:
    print("check-schema: %d failure(s)" % len(failures), file=sys.stderr)
    sys.exit(1)
print("check-schema: all good (%d documents accepted, %d broken ones rejected)"
      % (len(good), len(BAD)))
PYTHON
