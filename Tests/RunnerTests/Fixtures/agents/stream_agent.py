"""Streaming agents: async generators.

`stream` yields {"update": {"delta": ...}} chunks (joined by runner.stream_output_path,
default update.delta) plus chunks that carry nothing; `stream_text` yields plain strings;
`stream_traced` is a decorated async generator whose agent observation ends with the stream;
`stream_sync` is a plain (sync) generator.
"""
import asyncio

import fluxloop


async def stream(input_text):
    yield {"update": {"status": "thinking"}}
    for word in ["Hello", ", ", input_text]:
        await asyncio.sleep(0)
        yield {"update": {"delta": word}}
    yield {"done": True}


async def stream_text(input_text):
    for word in ["a", "b", input_text]:
        yield word


@fluxloop.tool(description="Spell a word")
def spell(word):
    return "-".join(word)


@fluxloop.agent(name="StreamAgent")
async def stream_traced(input_text):
    yield {"delta": "spelled: "}
    await asyncio.sleep(0)
    yield {"text": spell(input_text)}


def stream_sync(input_text):
    yield "sync:"
    yield {"update": {"delta": input_text}}
