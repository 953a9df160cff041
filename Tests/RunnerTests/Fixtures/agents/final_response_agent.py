"""The observation named agent_final_response wins over the agent's output and return value."""
import fluxloop


@fluxloop.trace(name="agent_final_response")
def final_answer(text):
    return "FINAL: " + text


@fluxloop.agent(name="FinalAgent")
def run(input_text):
    final_answer(input_text)
    with fluxloop.instrument("post_processing"):
        pass
    return "return value (not used)"
