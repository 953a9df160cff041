"""Sync agent: agent -> tool (with description) and agent -> prompt (with model)."""
import fluxloop


@fluxloop.tool(description="Count the words in a question")
def count_words(question: str) -> dict:
    return {"words": len(question.split())}


@fluxloop.prompt(model="m1")
def write_reply(words: int, style: str = "plain") -> str:
    return "You wrote %d words (%s)." % (words, style)


@fluxloop.agent(name="SyncAgent")
def run(input_text: str) -> str:
    info = count_words(input_text)
    return write_reply(info["words"])
