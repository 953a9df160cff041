"""Async agent awaiting an async tool; the input goes to `message`."""
import asyncio

import fluxloop


@fluxloop.tool(description="Look up an answer asynchronously")
async def lookup(topic: str) -> str:
    await asyncio.sleep(0)
    return "answer about " + topic


@fluxloop.agent(name="AsyncAgent")
async def run(message: str) -> str:
    first, second = await asyncio.gather(lookup(message), lookup(message.upper()))
    return first + " / " + second
