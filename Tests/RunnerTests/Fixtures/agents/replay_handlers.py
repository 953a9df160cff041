"""Handlers for argument replay (replay_args): called with recorded arguments and callbacks.

Each one answers through its callbacks, so the trace's output is the last message sent (or the
value the handler returns when nothing was sent).
"""
import asyncio

import fluxloop


async def handle_async(data, send_message_callback, send_error_callback):
    """`:async` markers: the callbacks return awaitables."""
    flags = [asyncio.iscoroutinefunction(send_message_callback),
             asyncio.iscoroutinefunction(send_error_callback)]
    if "fail" in data.content:
        await send_error_callback({"code": "E_ASYNC", "content": data.content})
        return None
    await send_message_callback("thinking about " + data.content)
    await asyncio.gather(send_message_callback("gathered"))
    send_message_callback("more", part=2).close()  # kept when called; {args, kwargs} for two arguments
    await send_message_callback({"reply": data.content.upper(), "user": data.user.id,
                                 "coroutine_functions": flags})
    return "return value (not used)"


def handle_messages(messages, send_message_callback, model="small"):
    """A list-index override path: messages.0.content."""
    first = messages[0]
    send_message_callback({"first": first.content, "role": first["role"],
                           "second": messages[1].content, "count": len(messages), "model": model})


def handle_keep(data, send_message_callback, question, iteration=0, persona=None):
    """override_param_path: null. `data` stays as recorded; the recording has no `question`,
    so it gets the input, and iteration / persona come from the run."""
    send_message_callback("%s | %s | %s | %s | %s" % (
        data.content, question, iteration, persona.name if persona else None, data.user.tier))


def handle_plain(message, send_message_callback=None, send_error_callback=None):
    """When override_param_path is not in the recording, the input is bound as without replay."""
    if send_message_callback is not None:
        send_message_callback("unexpected: " + message)
    return "plain binding: " + message


def handle_other(data, send_message_callback, send_error_callback):
    """For a recording that names another target."""
    send_message_callback("other: " + data.content)


@fluxloop.agent(name="ReplayAgent")
def handle_traced(data, send_message_callback, send_error_callback):
    """The agent observation's output comes before the last sent message."""
    send_message_callback("sent: " + data.content)
    send_error_callback("warned", severity="low")
    return "agent: " + data.content


def handle_big(data, send_message_callback, send_error_callback):
    """A recording too big for the worker's environment variable."""
    send_message_callback("%s (%d bytes of context)" % (data.content, len(data.context)))
