"""The shared rules of basketbench.model, on the spec's example bodies (tests/fixtures)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from basketbench.model.diff import diff_lines, keyed
from basketbench.model.ids import ZERO_GUID, id_or_none, is_none_id
from basketbench.model.lines import is_child, key_text, line_key, parent_key, text_key, wire_texts
from basketbench.model.summary import summary_from_row, summary_of
from basketbench.wirejson import parse
from tests.support.wire import wire

EXAMPLES = Path(__file__).parent.parent / "fixtures" / "examples"


def example(name: str):
    body = json.loads((EXAMPLES / name).read_text())
    return body.get("result", body) if isinstance(body, dict) else body


def test_none_ids_in_every_spelling_the_examples_use():
    # 01 sends the zero GUID as a parent, 02 an empty string, 12's request "string".
    assert example("11-add-item.request.json")["parentProductId"] == ZERO_GUID
    for value in (None, "", ZERO_GUID, f" {ZERO_GUID} "):
        assert is_none_id(value) and id_or_none(value) is None
    assert id_or_none("1C5D16AB-0497-462D-A0D2-B2F8F67335A1") == \
        "1c5d16ab-0497-462d-a0d2-b2f8f67335a1"


def test_the_examples_lines_are_top_level():
    for name in ("02-get-basket.response.json", "12-add-bulk.response.json"):
        for line in example(name)["lineItems"]:
            assert not is_child(line["parentProductId"])
            assert parent_key(line["parentProductId"]) == ""


def test_a_top_level_line_is_keyed_without_its_texts():
    line = example("12-add-bulk.response.json")["lineItems"][0]
    assert line["customInfo1"] and line["customInfo2"]  # texts, but on a top-level line
    key = line_key(line["productId"], line["parentProductId"], wire_texts(line))
    assert key == (line["productId"].lower(), "", "")


def test_a_child_is_keyed_by_every_text_and_its_position():
    parent = "1C5D16AB-0497-462D-A0D2-B2F8F67335A1"
    a = line_key("AB", parent, ["A.S.", "gold"])
    assert a == ("ab", parent.lower(), "A.S.\x1fgold\x1f\x1f\x1f")
    assert a != line_key("ab", parent, ["A.S.", None])
    assert text_key(parent, ["x", ""]) != text_key(parent, ["", "x"])
    assert text_key(parent, [None, "", None]) == ""  # a child without text
    assert key_text(a).split("|")[:2] == ["ab", parent.lower()]


def test_the_line_diff_skips_unchanged_lines_by_identity():
    lines = example("02-get-basket.response.json")["lineItems"]
    compared = []

    def same(a: dict, b: dict) -> bool:
        compared.append(a)
        return a["qty"] == b["qty"]

    def key(ln: dict):
        return line_key(ln["productId"], ln["parentProductId"], wire_texts(ln))

    before = keyed(lines, key)
    moved = {**lines[0], "qty": lines[0]["qty"] + 1}
    extra = {**lines[0], "productId": "2C5D16AB-0497-462D-A0D2-B2F8F67335A1"}
    d = diff_lines(before, keyed([moved, extra], key), same)
    assert d.changed == [key(moved)] and d.added == [key(extra)] and d.removed == []
    d = diff_lines(before, before, same)
    assert (d.added, d.removed, d.changed, d.unchanged) == ([], [], [], len(before))
    assert compared == [lines[0]]  # the second diff asked nothing: same objects


def test_a_short_basket_summary_keeps_the_formatted_total_and_the_version():
    short = parse.basket({**example("01-get-user-baskets.response.json")[0],
                                        "version": 7})
    s = summary_of(short)
    assert s.line_count == len(short.line_items)
    assert s.grand_total == short.grand_total.with_tax
    assert s.grand_total_formatted == short.grand_total.formatted.with_tax
    assert s.version == 7


def test_a_summary_formats_the_total_a_backend_left_unformatted():
    body = example("01-get-user-baskets.response.json")[0]
    total = {**body["grandTotal"], "formatted": None}
    s = summary_of(parse.basket({**body, "grandTotal": total,
                                "currencyCode": "GBP"}))
    assert s.grand_total_formatted.startswith("£") and s.grand_total is not None


def test_a_listing_row_is_read_whole():
    row = {"id": "ab", "userId": None, "userEmail": "a@example.com", "currencyCode": "GBP",
           "lineCount": 3, "grandTotal": "41.50", "grandTotalFormatted": "£41.50",
           "lastUpdated": "2026-11-02T08:55:00.000Z", "isLocked": True, "isQuote": False,
           "version": 4}
    s = summary_from_row(row)
    assert (s.grand_total, s.grand_total_formatted, s.line_count, s.version, s.is_locked) == \
        (Decimal("41.50"), "£41.50", 3, 4, True)
    assert summary_from_row({**row, "grandTotalFormatted": None}).grand_total_formatted \
        == "£41.50"


def test_the_wire_line_shortcut_gives_the_same_key(engine, ref):
    """line_key_of (the workbench's per-keypress path) agrees with line_key on real lines,
    child lines with texts among them."""
    from basketbench.engine import demo
    from basketbench.model.lines import custom_texts, key_text_of, line_key_of
    from basketbench.wire import Basket

    basket = Basket.model_validate(wire(engine.get_basket(demo.basket_id("alice-engraved"))))
    keys = [line_key_of(ln) for ln in basket.line_items]
    assert keys == [line_key(ln.product_id, ln.parent_product_id, custom_texts(ln))
                    for ln in basket.line_items]
    assert sum(1 for k in keys if k[2]) == 2  # the engraving and the gift message
    assert [key_text_of(ln) for ln in basket.line_items] == [key_text(k) for k in keys]
