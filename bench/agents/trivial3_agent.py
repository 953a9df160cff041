"""Benchmark agent: three nested decorated functions doing trivial work."""
import fluxloop


@fluxloop.prompt(model="bench-model")
def generate(topic):
    return "reply about " + topic


@fluxloop.tool(description="Trivial tool")
def tool_step(question):
    return generate(question[:8])


@fluxloop.agent(name="Trivial3")
def run(input_text):
    return tool_step(input_text)
