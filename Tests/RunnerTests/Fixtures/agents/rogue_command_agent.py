"""A runner.command agent that ignores runner.max_output_bytes: its output is as many "x" as the input says.

It speaks the JSON-lines protocol itself (no fluxloop worker), so only the fluxloop command can stop a
large answer: by its output check, and by skipping a response line over four times the limit unread.
"""
import json
import sys

for line in sys.stdin:
    request = json.loads(line)
    size = int(request["input"])
    sys.stdout.write(json.dumps({"id": request["id"], "output": "x" * size}) + "\n")
    sys.stdout.flush()
