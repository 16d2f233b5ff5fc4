#!/usr/bin/env python3
"""Seeds the fuzz corpora (gitignored) from the official messages.json.

usage: python3 seed_from_vectors.py [VECTORS_DIR]
(default: $MLS_TEST_VECTORS, else ../../../shared/test-vectors)
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
print(f"wrote {count} seeds under {here / 'corpus'}")
