"""Sleeps SLOW_AGENT_MS milliseconds (default 100) per run: a stand-in for an LLM call."""
import os
import time

import fluxloop

DELAY = float(os.environ.get("SLOW_AGENT_MS", "100")) / 1000.0


@fluxloop.agent(name="SlowAgent")
def run(input_text):
    time.sleep(DELAY)
    return "slow answer to " + input_text
