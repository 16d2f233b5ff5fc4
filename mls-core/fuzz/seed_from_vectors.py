#!/usr/bin/env python3
"""Seeds the fuzz corpora (gitignored) from the official vectors and from
assets/examples.

usage: python3 seed_from_vectors.py [VECTORS_DIR]
(default: $MLS_TEST_VECTORS, else ../../../shared/test-vectors)

The targets that run on a fixed group state (commit_process,
private_message, external_commit, welcome_join) also seed themselves: at
start they write their fixture's valid messages as corpus/T/fixture-*.
"""
import json
import os
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
vectors = Path(sys.argv[1] if len(sys.argv) > 1 else
               os.environ.get("MLS_TEST_VECTORS", here / "../../../shared/test-vectors"))
cases = json.loads((vectors / "messages.json").read_text())

# target -> fields of messages.json holding that structure
targets = {
    "mls_message": ["mls_welcome", "mls_group_info", "mls_key_package", "public_message_application",
                    "public_message_proposal", "public_message_commit", "private_message"],
    "key_package": ["add_proposal"],
    "ratchet_tree": ["ratchet_tree"],
}
# Welcome and GroupInfo bodies are the MLSMessage minus its 4-byte header.
bodies = {"welcome": "mls_welcome", "group_info": "mls_group_info"}

count = 0
for i, case in enumerate(cases[:60]):
    for target, fields in targets.items():
        for field in fields:
            out = here / "corpus" / target / f"{field}-{i}"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(bytes.fromhex(case[field]))
            count += 1
    for target, field in bodies.items():
        out = here / "corpus" / target / f"{field}-{i}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(bytes.fromhex(case[field])[4:])
        count += 1

def seed(target, name, data):
    global count
    out = here / "corpus" / target / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    count += 1


# The targets over processing paths (see fuzz_targets/*.rs for their input).
process_fields = {
    "dissect": list(targets["mls_message"]) + ["ratchet_tree", "add_proposal", "commit", "group_secrets"],
    "welcome_join": ["mls_welcome"],
    "commit_process": ["public_message_commit", "public_message_proposal"],
    "private_message": ["private_message"],
    "external_commit": ["public_message_commit", "mls_group_info"],
    "key_package_validate": ["mls_key_package", "add_proposal"],
}
for i, case in enumerate(cases[:20]):
    for target, fields in process_fields.items():
        for field in fields:
            seed(target, f"{field}-{i}", bytes.fromhex(case[field]))

# tree_validate: suite index byte, group id length byte, group id, tree.
for name in ["tree-validation.json", "treekem.json"]:
    for i, case in enumerate(json.loads((vectors / name).read_text())):
        gid = bytes.fromhex(case["group_id"])
        tree = bytes.fromhex(case.get("tree") or case["ratchet_tree"])
        if len(gid) < 256:
            seed("tree_validate", f"{name[:-5]}-{i}", bytes([case["cipher_suite"] - 1, len(gid)]) + gid + tree)

for i, case in enumerate(json.loads((vectors / "welcome.json").read_text())):
    seed("welcome_join", f"welcome-{i}", bytes.fromhex(case["welcome"]))
    seed("key_package_validate", f"welcome-kp-{i}", bytes.fromhex(case["key_package"]))

# The project's own example messages.
examples = here / "../../assets/examples"
example_targets = {
    "welcome.bin": ["welcome_join"],
    "malformed-welcome.bin": ["welcome_join"],
    "commit-public.bin": ["commit_process", "external_commit"],
    "application-private.bin": ["private_message"],
    "group-info.bin": ["external_commit"],
    "key-package.bin": ["key_package_validate"],
}
for file, names in example_targets.items():
    path = examples / file
    if path.exists():
        for target in names + ["dissect"]:
            seed(target, f"example-{file}", path.read_bytes())

print(f"wrote {count} seeds under {here / 'corpus'}")
