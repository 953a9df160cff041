"""A small support agent for fluxloop's example project.

It is deterministic (no network, no model) but shaped like a real one: the agent routes the
question with a tool, looks up a policy inside an instrumented span, and writes the reply with a
"prompt" step. The decorators come from `fluxloop`, which the tool provides when it runs the agent,
so nothing needs to be installed.
"""
import fluxloop

POLICIES = {
    "shipping": "First bags ship within two business days and arrive in three to five.",
    "changes": "Deliveries can be skipped or moved until two days before they ship.",
    "billing": "A second charge in one month is usually a pre-authorisation that drops off in three days.",
    "refunds": "Stale or damaged beans are refunded in full; no need to send them back.",
}


@fluxloop.tool(description="Route a customer question to a support topic")
def classify(question: str) -> dict:
    text = question.lower()
    if "refund" in text or "stale" in text:
        topic = "refunds"
    elif "charge" in text or "bill" in text:
        topic = "billing"
    elif "skip" in text or "change" in text or "pause" in text:
        topic = "changes"
    else:
        topic = "shipping"
    order = next((word.strip(".?!") for word in question.split() if word.strip(".?!").isdigit()), None)
    return {"topic": topic, "order": order}


@fluxloop.prompt(model="canned-replies-v1")
def write_reply(topic: str, policy: str, order: str = None) -> str:
    prefix = f"About order {order}: " if order else ""
    return prefix + policy


@fluxloop.agent(name="SupportDesk")
def handle(input_text: str) -> str:
    route = classify(input_text)
    with fluxloop.instrument("policy_lookup"):
        policy = POLICIES[route["topic"]]
    if route["topic"] == "refunds" and route["order"] is None:
        raise ValueError("a refund needs an order number")
    return write_reply(route["topic"], policy, route["order"])
