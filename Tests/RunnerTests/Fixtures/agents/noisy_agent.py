"""Prints at every level; none of it may corrupt the protocol."""
import os
import sys

print("noisy_agent imported")  # at import time: goes to the worker's stderr


def run(input_text):
    print("stdout line for", input_text)
    print("stderr line", file=sys.stderr)
    sys.stdout.write('{"id": "fake", "output": "not a response"}\n')
    sys.stdout.flush()
    os.write(1, b"fd-level\n")
    return "quiet result"
