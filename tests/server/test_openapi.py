"""/openapi.json describes every route, with its bodies, parameters and responses."""

from __future__ import annotations

from .routes_table import ROUTES


def test_every_route_is_documented(http):
    doc = http.get("/openapi.json").json()
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    assert documented == {(m, p) for m, p, _ in ROUTES}


def test_bodies_parameters_and_responses(http):
    doc = http.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for method, path, kind in ROUTES:
        op = doc["paths"][path][method.lower()]
        assert op.get("summary"), (method, path)
        assert "200" in op["responses"], (method, path)
        media = op["responses"]["200"]["content"]
        # JSON everywhere but the event stream (test_events.py checks its document).
        content = media.get("application/json", media.get("text/event-stream", {}))["schema"]
        assert content, (method, path)
        if kind:
            assert "requestBody" in op, (method, path)
        for part in path.split("/"):
            if part.startswith("{"):
                names = {p["name"] for p in op.get("parameters", [])}
                assert part[1:-1] in names, (method, path, part)
    add = doc["paths"]["/api/v2/commerce/basket/{id}/items/add"]["put"]
    ref = add["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    add_schema = schemas[ref.rsplit("/", 1)[1]]
    assert {"productId", "qty", "stockCode", "manualUnitPrice"} <= set(add_schema["properties"])
    assert {"If-Match", "Currency"} <= {p["name"] for p in add["parameters"]}
    bulk = doc["paths"]["/api/v2/commerce/basket/{id}/items/add-bulk"]["put"]
    assert bulk["requestBody"]["content"]["application/json"]["schema"]["type"] == "array"
    merge = doc["paths"]["/api/v2/commerce/basket/{id}/merge"]["put"]
    assert {"sourceBasketId", "strategy", "dryRun"} <= {p["name"] for p in merge["parameters"]}
    get = doc["paths"]["/api/v2/commerce/basket/{id}"]["get"]
    assert "ETag" in get["responses"]["200"]["headers"]
    basket_ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    envelope = schemas[basket_ref.rsplit("/", 1)[1]]
    assert {"statusCode", "status", "errors", "success", "message", "messageCode",
            "result"} <= set(envelope["properties"])
    assert {"409", "423", "413"} <= set(doc["paths"]["/api/v2/commerce/basket/{id}/items/add"]
                                        ["put"]["responses"])
    nexudus = doc["paths"]["/api/billing/basketsessions"]["post"]
    nx_ref = nexudus["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert {"BusinessId", "SessionId", "JsonContents"} <= set(
        schemas[nx_ref.rsplit("/", 1)[1]]["properties"])
    # Every $ref resolves.
    text = str(doc)
    import re
    for name in set(re.findall(r"#/components/schemas/([A-Za-z0-9_.\-]+)", text)):
        assert name in schemas, name


def _walk(node, trail=()):
    if isinstance(node, dict):
        yield trail, node
        for key, value in node.items():
            yield from _walk(value, (*trail, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*trail, i))


def test_every_schema_is_valid_json_schema(http):
    from jsonschema import Draft202012Validator

    doc = http.get("/openapi.json").json()
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for trail, node in _walk(doc["paths"]):
        # A $ref beside a type was the old, invalid shape of every success schema.
        assert not ("$ref" in node and "type" in node), trail
        assert "oneOf" not in node, trail  # open models: only anyOf can be true


def test_money_is_a_number_and_ids_are_guids(http):
    schemas = http.get("/openapi.json").json()["components"]["schemas"]

    def types(prop: dict) -> list:
        return [p.get("type") for p in prop.get("anyOf", [prop])]

    def formats(prop: dict) -> list:
        return [p.get("format") for p in prop.get("anyOf", [prop])]

    for field in ("withTax", "withoutTax", "tax"):
        assert types(schemas["RawAmounts"]["properties"][field]) == ["number", "null"]
    assert "number" in types(schemas["AddItemRequest"]["properties"]["manualUnitPrice"])
    assert "number" in types(schemas["Basket"]["properties"]["baseCurrencyTotal"])
    assert types(schemas["BasketSummary"]["properties"]["grandTotal"]) == ["number"]
    assert "uuid" in formats(schemas["Basket"]["properties"]["id"])
    assert "uuid" in formats(schemas["Basket"]["properties"]["userId"])
    assert "uuid" in formats(schemas["LineItem"]["properties"]["productId"])


def test_every_operation_documents_its_errors(http):
    doc = http.get("/openapi.json").json()
    for method, path, _ in ROUTES:
        responses = doc["paths"][path][method.lower()]["responses"]
        assert {"200", "400", "403", "413"} <= set(responses), (method, path)
        for status, spec in responses.items():
            if status != "200" and spec.get("content"):
                ref = spec["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith(("NexudusEnvelope", "Envelope_NoneType_")), (path, status)
        if path.startswith("/api/v2/commerce/basket/{id}") and method != "GET":
            assert {"409", "423"} <= set(responses), (method, path)


def test_the_response_check_catches_contradictions(http):
    """The check every server test's responses go through (conftest.py) can fail."""
    import httpx
    import pytest

    from .openapi_check import OpenApiResponseCheck

    check = OpenApiResponseCheck(http.get("/openapi.json").json())
    url = "http://127.0.0.1/api/v2/commerce/basket/8836058b-46df-5607-8109-3b1973011de8"
    request = httpx.Request("GET", url)
    good = http.get(url.removeprefix("http://127.0.0.1"))
    check.check(httpx.Response(200, content=good.content, request=request))
    wrong_money = good.json()
    wrong_money["result"]["grandTotal"]["raw"]["withTax"] = "12.00"
    with pytest.raises(AssertionError, match="grandTotal"):
        check.check(httpx.Response(200, json=wrong_money, request=request))
    bad_id = good.json()
    bad_id["result"]["id"] = "not-a-guid"
    with pytest.raises(AssertionError, match="uuid"):
        check.check(httpx.Response(200, json=bad_id, request=request))
    with pytest.raises(AssertionError, match="does not document"):
        check.check(httpx.Response(418, json={}, request=request))
