"""Echoes the input wrapped in non-ASCII text."""
import fluxloop


@fluxloop.agent(name="UnicodeAgent")
def run(input_text):
    return "«echo» 🚀 " + input_text + " — 日本語 \"quoted\" 'single' \\ back"
