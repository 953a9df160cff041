"""runner.max_output_bytes: an output too large to record is refused here, before it is sent.

The fluxloop command holds a run's output several times on its way to the database (the response
line, the decoded text, the conversation, the export), so an absurd output is a failed run with the
error type OutputTooLarge instead. The worker measures it before encoding the response, and the
whole response line after encoding it (four times the limit: the output travels more than once in a
line, as `output` and as the agent observation's output, and escaping can double text). The fluxloop
command checks both again, for agents that do not run in this worker.
"""

ERROR_TYPE = "OutputTooLarge"
DEFAULT_LIMIT = 64 << 20


def utf8_size(text):
    """The UTF-8 size of a str; no copy for ASCII text."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def output_error(output, limit):
    """The error object for an output text over `limit` bytes, else None (also for non-text outputs)."""
    if not limit or not isinstance(output, str) or len(output) * 4 <= limit:
        return None  # a character is at most four bytes
    size = utf8_size(output)
    if size <= limit:
        return None
    return {"type": ERROR_TYPE, "traceback": None,
            "message": "the agent's output is %s bytes, over runner.max_output_bytes (%s bytes); "
                       "raise the limit if such outputs are expected" % (format(size, ","), format(limit, ","))}


def line_limit(limit):
    """The longest response line for an output limit."""
    return 4 * limit if limit else None


def refuse_output(resp, limit):
    """Turn a response whose output is over `limit` into OutputTooLarge; True when it did.

    Its observations go too: a decorated agent's observation carries the same output.
    """
    error = output_error(resp.get("output"), limit)
    if error is None:
        return False
    for key in ("output", "output_value", "observations"):
        resp.pop(key, None)
    resp["error"] = error
    return True


def line_error(request_id, size, limit):
    """The response sent instead of a line of `size` bytes, over the line limit."""
    return {"id": request_id, "error": {
        "type": ERROR_TYPE, "traceback": None,
        "message": "the agent's response line is %s bytes, over four times runner.max_output_bytes "
                   "(%s bytes); it was not sent" % (format(size, ","), format(line_limit(limit), ","))}}
