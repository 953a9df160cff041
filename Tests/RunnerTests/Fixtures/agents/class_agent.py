"""Class-based targets: `Bot.reply` (instance made by the worker), `make_bot` (factory),
`bot.reply` (module-level instance) and `namespace.inner.answer` (nested attributes)."""
import types

import fluxloop


class Bot:
    def __init__(self, greeting="hi"):
        self.greeting = greeting

    @fluxloop.agent(name="Bot")
    def reply(self, query):
        return "%s: %s" % (self.greeting, query)

    @staticmethod
    def shout(text):
        return text.upper()

    @classmethod
    def describe(cls, text):
        return "%s got %s" % (cls.__name__, text)


def make_bot(**kw):
    greeting = kw.get("greeting", "hi")
    return Bot(greeting="factory-" + greeting)


bot = Bot(greeting="module")


def _answer(text):
    return "nested answer to " + text


namespace = types.SimpleNamespace(inner=types.SimpleNamespace(answer=_answer))

VALUE = "not callable"
