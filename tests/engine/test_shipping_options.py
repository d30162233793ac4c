"""The storefront's shipping options (engine/storefront_views.py) for one country do not
change under the caller when another country is asked for next."""

from __future__ import annotations


def test_options_of_one_country_stay_as_returned(engine, ref):
    bid = ref.basket("alice-main")
    de = engine.shipping_options(bid, "DE").methods
    assert de and {m.country_code for m in de} == {"DE"}
    at = engine.shipping_options(bid, "AT").methods
    assert at and {m.country_code for m in at} == {"AT"}
    # Method objects are cached and shared: setting the asked country on a shared one
    # would change the list returned before.
    assert {m.country_code for m in de} == {"DE"}
    basket = engine.get_basket(bid)
    assert {m.country_code for m in basket.shipping_methods} == {"GB"}
