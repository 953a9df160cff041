"""fluxloop._model's FieldGroup: a run of fields declared once and taken by several models, each at its
own place, with its own copies of the field declarations."""

import unittest

import support  # noqa: F401  (puts the bundled package on sys.path)

from fluxloop._model import BaseModel, Field, FieldGroup
from fluxloop.models import ObservationData, TraceData
from fluxloop.schemas.trace import Observation, Trace


class _Shared(FieldGroup):
    b: int = 2
    c: list = Field(default_factory=list)


class _First(BaseModel):
    a: str
    _shared: _Shared
    d: int = 4


class _Second(BaseModel):
    _shared: _Shared
    a: str = "x"


class FieldGroupTests(unittest.TestCase):
    def test_fields_stand_where_the_group_is_named(self):
        self.assertEqual(list(_First.model_fields), ["a", "b", "c", "d"])
        self.assertEqual(list(_Second.model_fields), ["b", "c", "a"])
        self.assertEqual(_First(a="y", c=[1]).model_dump(), {"a": "y", "b": 2, "c": [1], "d": 4})
        self.assertIsNot(_First.model_fields["c"], _Second.model_fields["c"])
        self.assertIsNot(_First(a="").c, _First(a="").c)

    def test_group_is_no_field_and_no_attribute(self):
        self.assertNotIn("_shared", _First.model_fields)
        self.assertFalse(hasattr(_First(a=""), "_shared"))

    def test_the_sdk_models_keep_fluxloops_field_order(self):
        self.assertEqual(list(ObservationData.model_fields), [
            "id", "type", "name", "start_time", "end_time", "input", "output", "error", "level",
            "status_message", "metadata", "model", "llm_parameters", "prompt_tokens", "completion_tokens",
            "total_tokens", "parent_observation_id", "trace_id"])
        self.assertEqual(list(Observation.model_fields)[:6],
                         ["id", "trace_id", "parent_observation_id", "type", "name", "start_time"])
        self.assertEqual(list(Observation.model_fields)[-2:], ["total_tokens", "scores"])
        self.assertEqual(list(TraceData.model_fields), [
            "id", "name", "start_time", "end_time", "session_id", "user_id", "metadata", "tags",
            "experiment_id", "iteration", "persona", "variation_seed", "input", "output"])
        self.assertEqual(list(Trace.model_fields)[5:17], [
            "status", "error", "user_id", "metadata", "tags", "experiment_id", "iteration", "persona",
            "variation_seed", "input", "output", "observations"])


if __name__ == "__main__":
    unittest.main()
