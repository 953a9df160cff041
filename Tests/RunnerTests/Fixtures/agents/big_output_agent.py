"""Large outputs on request, for the memory bound and runner.max_output_bytes.

The input is "SIZE [CHAR]": the output is SIZE times CHAR (default "x"), built once.
"""
import fluxloop


def run(input):
    size, _, char = input.partition(" ")
    return (char or "x") * int(size)


@fluxloop.agent()
def decorated(input):
    return run(input)


@fluxloop.agent()
def short_answer(input):
    """A small output; the observation still records the (large) input."""
    return "ok"
