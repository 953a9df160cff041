"""An undecorated agent returning the value shapes FluxLoop turns into output text."""

SHAPES = {
    "text": {"text": "value", "score": 1},
    "parts": {"message": {"content": [{"text": "part one"}, {"text": "part two"}]}},
    "dict": {"answer": 42, "unit": "pages"},
    "list": ["alpha", "beta"],
    "number": 42,
    "bool": True,
    "none": None,
    "unicode": {"réponse": "déjà vu"},
}


def run(input_text):
    return SHAPES[input_text]
