"""Reports what the worker passed: exercises argument binding and non-string output."""


def run(text, persona=None, persona_prompt=None, iteration=None, persona_description=None):
    return {
        "text": text,
        "persona_name": persona.name if persona is not None else None,
        "persona_key_name": persona["name"] if persona is not None else None,
        "persona_goals": persona.goals if persona is not None else None,
        "persona_prompt": persona_prompt,
        "iteration": iteration,
        "persona_description": persona_description,
    }


def first_positional(q, extra="x"):
    return "first positional got " + q


def chat(user_message, messages=None, auto_approve=False, conversation_state=None):
    return {"user_message": user_message, "messages": messages, "auto_approve": auto_approve,
            "has_state": conversation_state is not None}


def kwargs_only(**kwargs):
    return sorted(kwargs.items())
