"""Agents for the in-flight concurrency tests: each run records when it started and ended,
prints its own input, and opens observations named after it, so a test can check overlap and
that nothing of one run lands in another."""

import asyncio
import os
import sys
import threading
import time

import fluxloop

DELAY = float(os.environ.get("INFLIGHT_DELAY", "0.5"))


@fluxloop.tool(name="lookup")
async def lookup(text):
    await asyncio.sleep(DELAY / 2)
    return {"looked_up": text}


@fluxloop.agent(name="AsyncInflight")
async def run(input):
    started = time.time()
    print("start " + input)
    ctx = fluxloop.get_current_context()
    ctx.add_metadata("input_seen", input)
    found = await lookup(input)
    if input == "crash":
        os._exit(3)  # kills the worker and every run in flight with it
    if input == "q007":
        # A thread started without the run's context: its print belongs to no run (the worker's log).
        stray = threading.Thread(target=outside_print)
        stray.start()
        stray.join()
    await asyncio.sleep(DELAY / 2)
    sys.stderr.write("end " + input + "\n")
    if input == "hang":
        await asyncio.sleep(3600)
    return {"text": "echo " + found["looked_up"], "started": started, "ended": time.time(), "pid": os.getpid()}


async def plain(input):
    """An undecorated coroutine: its return value is the output."""
    started = time.time()
    await asyncio.sleep(DELAY)
    return {"input": input, "started": started, "ended": time.time()}


_lock = threading.Lock()
_active = [0]
_peak = [0]


def sync_run(input):
    """A sync agent that reports how many of its calls overlapped (peak in-flight count)."""
    with _lock:
        _active[0] += 1
        _peak[0] = max(_peak[0], _active[0])
    started = time.time()
    print("sync " + input)
    time.sleep(DELAY)
    with _lock:
        _active[0] -= 1
        peak = _peak[0]
    if input == "hang":
        time.sleep(3600)
    return {"input": input, "started": started, "ended": time.time(), "peak": peak,
            "thread": threading.current_thread().name}


async def chat(input, messages=None):
    """A conversational async agent: it answers the latest user message after DELAY seconds."""
    await asyncio.sleep(DELAY)
    print("chat " + input)
    return "reply to %s (%d earlier turns)" % (input, len(messages or []))


def outside_print():
    print("printed outside any run")
