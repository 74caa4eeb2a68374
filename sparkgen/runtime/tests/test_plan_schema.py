"""plan.py's strict field tables against the plan's JSON Schema (sparkgen/print/plan-schema.json),
the file the TypeScript unit tests check every generated plan against: the two cannot drift."""

import json
import os

from conftest import REPO

from trends_step.plan import (
    COLUMN_FIELDS,
    HISTORY_FIELDS,
    METRIC_FIELDS,
    PLAN_FIELDS,
    PLAN_VERSION,
    REFERENCE_DEPTH_FIELDS,
)

SCHEMA = os.path.join(REPO, "sparkgen", "print", "plan-schema.json")
JSON_TYPES = {str: {"string"}, int: {"integer"}, dict: {"object"}, list: {"array"}, type(None): {"null"}}


def json_types(kind):
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return set().union(*(JSON_TYPES[k] for k in kinds))


def assert_fields_match(fields, schema, where):
    assert schema["additionalProperties"] is False, where
    assert set(schema["required"]) == set(schema["properties"]) == set(fields), where
    for name, kind in fields.items():
        declared = schema["properties"][name]["type"]
        declared = {declared} if isinstance(declared, str) else set(declared)
        assert declared == json_types(kind), f"{where}.{name}"


def test_the_runtime_checks_exactly_the_fields_of_the_schema():
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    assert schema["properties"]["version"]["const"] == PLAN_VERSION
    assert_fields_match(PLAN_FIELDS, schema, "plan")
    metric = schema["properties"]["metrics"]["items"]
    assert_fields_match(METRIC_FIELDS, metric, "metrics[]")
    history = metric["properties"]["history"]
    assert_fields_match(HISTORY_FIELDS, history, "metrics[].history")
    assert_fields_match(COLUMN_FIELDS, history["properties"]["columns"]["items"], "metrics[].history.columns[]")
    depth = metric["properties"]["reference_depth"]
    assert_fields_match(REFERENCE_DEPTH_FIELDS, depth, "metrics[].reference_depth")
