"""Misbehaves on purpose, chosen by the input text:
- "hang": sleeps far past any timeout;
- "exit": os._exit(3), killing its worker;
- "segv": a segmentation fault;
- "flaky": fails its first attempt for each input (counted in files under ATTEMPTS_DIR), then succeeds;
- "always fails": raises every time;
- anything else: answers at once.
"""
import ctypes
import hashlib
import os
import time

import fluxloop


def _attempt(text):
    folder = os.environ.get("ATTEMPTS_DIR", "attempts")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, hashlib.sha1(text.encode()).hexdigest())
    count = int(open(path).read()) + 1 if os.path.exists(path) else 1
    with open(path, "w") as f:
        f.write(str(count))
    return count


@fluxloop.agent(name="Misbehaving")
def run(input_text):
    if "hang" in input_text:
        time.sleep(600)
    if "exit" in input_text:
        os._exit(3)
    if "segv" in input_text:
        ctypes.string_at(0)
    if "always fails" in input_text:
        raise RuntimeError("this input always fails")
    if "flaky" in input_text and _attempt(input_text) == 1:
        raise ConnectionError("rate limited, try again")
    return "ok: " + input_text
