"""Makes a recording with the SDK (fluxloop.record_call_args), then is replayed from it."""
import os

import fluxloop


def handle(data, send_message_callback, send_error_callback, api_token=None):
    """The production handler: replayed with the recorded arguments."""
    if not data.content.strip():
        send_error_callback("empty message from " + data.user.id)
        return
    send_message_callback({"echo": data.content, "user": data.user.id, "channel": data.channel,
                           "token_seen": api_token})


def record(input_text, iteration=0):
    """An ordinary agent (no replay) that records the call it would make to `handle`."""
    def send_message(message):
        pass

    async def send_error(message):
        pass

    path = fluxloop.enable_recording(os.path.join("recordings", "made.jsonl"))
    try:
        fluxloop.record_call_args(
            "replay_recorder:handle",
            data={"content": input_text, "channel": "sms", "user": {"id": "u-%d" % iteration}},
            send_message_callback=send_message,
            send_error_callback=send_error,
            api_token="s3cret",
        )
    finally:
        fluxloop.disable_recording()
    fluxloop.record_call_args("replay_recorder:handle", data={"content": "not recorded"})
    return os.path.relpath(path)
