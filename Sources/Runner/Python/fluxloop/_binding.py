"""Helpers for the worker's argument binding: personas for parameters annotated PersonaConfig.

Standard library only. A persona reaches the worker as a mapping; an agent
parameter annotated `PersonaConfig` (also `Optional[PersonaConfig]`,
`"PersonaConfig"`, `fluxloop.PersonaConfig`, `PersonaConfig | None`, any
class named PersonaConfig) gets a fluxloop.PersonaConfig built from it.
"""

import re

from .schemas.config import PersonaConfig

# Quotes too: under `from __future__ import annotations`, `p: "PersonaConfig"` reads '"PersonaConfig"'.
_NAMED = re.compile(r"(?:^|[\s\[\.,|'\"])PersonaConfig(?:$|[\s\],|'\"])")


def wants_persona_config(annotation):
    """True when a parameter annotation asks for a PersonaConfig."""
    if annotation is None:
        return False
    if isinstance(annotation, str):
        return bool(_NAMED.search(annotation))
    if isinstance(annotation, type):
        return annotation.__name__ == "PersonaConfig"
    for arg in getattr(annotation, "__args__", None) or ():
        if wants_persona_config(arg):
            return True
    forward = getattr(annotation, "__forward_arg__", None)
    return isinstance(forward, str) and bool(_NAMED.search(forward))


def persona_config(raw):
    """The request's persona as a fluxloop.PersonaConfig (None stays None); see PersonaConfig.from_mapping."""
    if raw is None:
        return None
    return PersonaConfig.from_mapping(raw)
