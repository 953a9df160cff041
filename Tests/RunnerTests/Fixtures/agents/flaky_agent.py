"""Fails on some inputs: ValueError for refunds, a custom error from a tool for "broken",
None for "silent", a string otherwise."""
import sys

import fluxloop


class InventoryError(RuntimeError):
    pass


@fluxloop.tool(description="Check stock for a title")
def check_stock(title: str) -> int:
    if "broken" in title.lower():
        raise InventoryError("title unavailable: " + title)
    return len(title) % 5 + 1


@fluxloop.agent(name="FlakyAgent")
def run(input_text: str):
    lowered = input_text.lower()
    if "refund" in lowered:
        raise ValueError("refunds are handled by a human agent")
    if "silent" in lowered:
        return None
    if "exit" in lowered:
        sys.exit(4)
    copies = check_stock(input_text)
    return "%d copies of '%s' in stock" % (copies, input_text)
