"""The schema helper catches what crossbar catches beyond plain jsonschema."""

from __future__ import annotations

from tests.kazoo_schemas import callflow_errors, flow_errors, group_doc_errors


def test_a_module_without_a_schema_fails() -> None:
    assert flow_errors({"module": "no_such_module", "data": {}}) == [
        "flow.data: Kazoo has no schema 'callflows.no_such_module', so crossbar refuses it"
    ]


def test_every_nested_node_is_checked() -> None:
    leaf = {"module": "ring_group", "data": {"endpoints": []}}  # minItems 1
    flow = {"module": "callflow", "data": {"id": "x"}, "children": {"_": leaf}}
    assert flow_errors(flow) == ["flow.children._.data.endpoints: [] should be non-empty"]


def test_record_call_urls_are_http_or_https_with_a_host() -> None:
    def errors(url: str) -> list[str]:
        return flow_errors({"module": "record_call", "data": {"action": "start", "url": url}})

    assert errors("https://rec.example.com/in") == []
    assert errors("http://rec.example.com/in") == []
    assert errors("ftp://rec.example.com/in") != []
    assert errors("https://") != []


def test_strings_for_integers_fail_as_under_strict_validation() -> None:
    ring = {"endpoints": [{"id": "u", "endpoint_type": "user", "delay": "0"}]}
    errors = callflow_errors({"numbers": ["1"], "flow": {"module": "ring_group", "data": ring}})
    assert errors == ["flow.data.endpoints.0.delay: '0' is not of type 'integer'"]


def test_stored_private_keys_are_dropped_from_a_group_doc() -> None:
    doc = {"_id": "g", "_rev": "1-a", "pvt_type": "group", "name": "G", "endpoints": {}}
    assert group_doc_errors(doc) == []
    assert group_doc_errors({"name": "", "endpoints": {}}) != []
