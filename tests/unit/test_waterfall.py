"""The price waterfall, step by step, with values a reader can check by hand."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sfa_core.catalog import (
    BlockPricing,
    PercentOfTotal,
    PriceBook,
    Product,
    SubscriptionTerms,
    TierTable,
)
from sfa_core.errors import CurrencyMismatchError, ValidationError
from sfa_core.money import ExchangeRate, ExchangeRates, Money
from sfa_core.pricing import (
    DiscountLimits,
    DiscountSchedule,
    PricingOptions,
    RoundingPolicy,
)
from sfa_core.pricing.errors import InactiveProductError, MissingPriceError, UnknownProductError
from sfa_core.quotes import Quote, QuoteLine, QuoteLockedError, price_quote

DAY = dt.date(2027, 3, 1)


def eur(amount):
    return Money(amount, "EUR")


def product(sku="A", **kw):
    kw.setdefault("name", sku)
    return Product(sku=sku, **kw)


def book(entries=None, **kw):
    entries = {k: eur(v) for k, v in (entries or {"A": "100.00"}).items()}
    return PriceBook(id="EU", currency="EUR", entries=entries, **kw)


def quote(*lines, **kw):
    kw.setdefault("quote_date", DAY)
    return Quote(id="Q", account="ACME", currency="EUR", price_book="EU", lines=lines, **kw)


def line(key="L1", sku="A", quantity=1, **kw):
    return QuoteLine(key=key, sku=sku, quantity=quantity, **kw)


def price(q, products=None, books=None, rules=None, **kw):
    return price_quote(q, products or [product()], books or [book()], rules, **kw)


def steps(priced_line):
    return [(s.step, s.after) for s in priced_line.waterfall]


# ------------------------------------------------------------------ list prices


def test_a_plain_line_is_list_price_times_quantity():
    p = price(quote(line(quantity=3)))
    (pl,) = p.lines
    assert pl.list_unit_price == D("100.00") == pl.net_unit_price
    assert pl.totals.list == eur("300.00") == pl.totals.net
    assert dict(pl.totals.discounts) == {}
    assert steps(pl) == [("list", D("100.00"))]
    assert p.net_total == eur("300.00")


def test_cost_plus_price_is_cost_times_one_plus_markup():
    # 700.00 x (1 + 20 / 100) = 840.00
    p = price(
        quote(line(sku="C", quantity=2)),
        [product("C", cost=eur("700.00"), pricing_method="cost_plus", markup=20)],
    )
    assert p.lines[0].list_unit_price == D("840.00")
    assert p.totals.cost == eur("1400.00")
    assert p.totals.margin == eur("280.00")
    assert p.totals.markup_percent == D("20.00")


def test_block_priced_line_is_priced_as_a_whole():
    # 22 units: above the last block (11-20 at 180) -> 180 + 2 x 8 = 196, not multiplied
    blocks = BlockPricing([(10, "100"), (20, "180")], overage="8")
    p = price(
        quote(line(sku="B", quantity=22, additional_discount=10)),
        [product("B", pricing_method="block")],
        [book({"A": "1"}, tiers={"B": blocks})],
    )
    (pl,) = p.lines
    assert pl.pricing_units == 1
    assert pl.list_unit_price == D("196.00")
    # 10 % of 196.00 = 19.60
    assert pl.totals.net == eur("176.40")
    assert pl.totals.discounts["additional_discount"] == eur("19.60")


def test_graduated_tiers_price_the_line_and_amount_discounts_scale_with_quantity():
    # 15 seats: 10 x 50 + 5 x 40 = 700; 2.00 off per seat -> 700 - 30 = 670
    tiers = TierTable.graduated([(10, "50"), (None, "40")])
    p = price(
        quote(line(sku="S", quantity=15, additional_discount_amount="2.00")),
        [product("S", pricing_method="tiered")],
        [book({"A": "1"}, tiers={"S": tiers})],
    )
    assert p.lines[0].totals.list == eur("700.00")
    assert p.lines[0].totals.net == eur("670.00")


def test_percent_of_total_uses_the_chosen_base_of_the_covered_lines():
    # hardware list 2 x 100 = 200, net after 10 % = 180; support is 10 % of it
    products = [
        product("A", family="hardware"),
        product("X", family="other"),
        product(
            "CARE",
            pricing_method="percent_of_total",
            percent_of_total=PercentOfTotal(percent=10, families=("hardware",), base="list"),
        ),
    ]
    books = [book({"A": "100.00", "X": "50.00"})]
    lines = [
        line("L1", "A", 2, additional_discount=10),
        line("L2", "X", 1),
        line("L3", "CARE", 1),
    ]
    on_list = price(quote(*lines), products, books)
    assert on_list.line("L3").list_unit_price == D("20.00")
    products[2] = product(
        "CARE",
        pricing_method="percent_of_total",
        percent_of_total=PercentOfTotal(percent=10, families=("hardware",), base="net"),
    )
    on_net = price(quote(*lines), products, books)
    assert on_net.line("L3").list_unit_price == D("18.00")


def test_subscription_is_prorated_after_schedules_and_before_the_regular_price():
    # 120.00 a year; Jan 15 to Jul 20 counts 7 months (partial month rounds up): 7/12
    # multiplier 0.583333 -> 120.00 x 0.583333 = 69.99996 -> 70.00; list total 3 x 70.00
    p = price(
        quote(
            line(
                sku="SUB",
                quantity=3,
                start_date=dt.date(2027, 1, 15),
                end_date=dt.date(2027, 7, 20),
            )
        ),
        [product("SUB", subscription=SubscriptionTerms())],
        [book({"SUB": "120.00"})],
    )
    (pl,) = p.lines
    assert pl.proration == D("0.583333")
    assert pl.regular_unit_price == D("70.00")
    assert pl.totals.list == eur("210.00") == pl.totals.net
    assert [s.step for s in pl.waterfall] == ["list", "proration"]


def test_a_full_default_term_prorates_to_one():
    p = price(
        quote(line(sku="SUB", quantity=1), start_date=dt.date(2027, 1, 1)),
        [product("SUB", subscription=SubscriptionTerms())],
        [book({"SUB": "120.00"})],
    )
    assert p.lines[0].proration == 1
    assert p.lines[0].net_unit_price == D("120.00")


def test_cotermination_uses_the_quote_end_date():
    # starts Apr 1, the contract ends Dec 31: 9 months of 12 -> 0.75 x 120 = 90
    p = price(
        quote(
            line(sku="SUB", quantity=1),
            start_date=dt.date(2027, 4, 1),
            end_date=dt.date(2027, 12, 31),
        ),
        [product("SUB", subscription=SubscriptionTerms())],
        [book({"SUB": "120.00"})],
    )
    assert p.lines[0].net_unit_price == D("90.00")


# ------------------------------------------------------------------ the order


def test_default_order_and_checkpoints():
    # list 100 -> contracted 90 -> volume 10 % (qty 25 reaches tier 2) 81 -> additional 10 %
    # 72.90 -> partner 5 % 69.255 -> 69.26 -> distributor 2 % 67.8748 -> 67.87
    schedule = DiscountSchedule("VOL", [(9, 0), (19, 5), (None, 10)])
    p = price(
        quote(
            line(quantity=25, additional_discount=10),
            partner_discount=5,
            distributor_discount=2,
        ),
        [product(discount_schedule="VOL")],
        schedules=[schedule],
        contracted_prices={"A": eur("90.00")},
    )
    (pl,) = p.lines
    assert steps(pl) == [
        ("list", D("100.00")),
        ("contracted", D("90.00")),
        ("volume_schedule", D("81.00")),
        ("additional_discount", D("72.90")),
        ("partner_discount", D("69.26")),
        ("distributor_discount", D("67.87")),
    ]
    assert pl.regular_unit_price == D("81.00")
    assert pl.customer_unit_price == D("72.90")
    assert pl.partner_unit_price == D("69.26")
    assert pl.net_unit_price == D("67.87")
    d = pl.totals.discounts
    assert d["contracted"] == eur("250.00")  # 25 x 10
    assert d["volume_schedule"] == eur("225.00")  # 25 x 9
    assert d["additional_discount"] == eur("202.50")  # 25 x 8.10
    assert d["partner_discount"] == eur("91.00")  # 25 x 3.64
    assert d["distributor_discount"] == eur("34.75")  # 25 x 1.39
    assert pl.totals.list - sum(d.values(), eur(0)) == pl.totals.net == eur("1696.75")


@pytest.mark.parametrize(
    ("options", "net"),
    [
        # (100 - 10) x 0.9 = 81
        (PricingOptions(), "81.00"),
        # additional last: 100 x 0.9 - 10 = 80
        (PricingOptions(additional_discount_last=True), "80.00"),
        # partner first: same as additional last when there is no distributor discount
        (PricingOptions(partner_discount_first=True), "80.00"),
        # channel off list: 90 - 10 % of list 100 = 80
        (PricingOptions(channel_discounts_off_list=True), "80.00"),
    ],
)
def test_order_options(options, net):
    p = price(
        quote(line(additional_discount_amount=10), partner_discount=10),
        options=options,
    )
    assert p.lines[0].net_unit_price == D(net)


def test_quote_additional_discount_applies_to_lines_without_their_own():
    p = price(
        quote(line("L1"), line("L2", additional_discount=5), additional_discount=20),
    )
    assert p.line("L1").net_unit_price == D("80.00")
    assert p.line("L2").net_unit_price == D("95.00")


def test_special_price_replaces_the_list_price():
    p = price(quote(line(special_price="75.50", quantity=2)))
    assert p.lines[0].net_unit_price == D("75.50")
    assert p.lines[0].totals.discounts["special"] == eur("49.00")


# ------------------------------------------------------------------ floors and zero


def test_floor_stops_a_discount_and_the_step_is_recorded():
    p = price(
        quote(line(additional_discount=20)),
        books=[book(floors={"A": eur("90.00")})],
    )
    (pl,) = p.lines
    assert pl.net_unit_price == D("90.00")
    assert steps(pl)[-1] == ("floor", D("90.00"))
    # the discount (20) and the floor (-10) net to 10 off
    assert pl.totals.discounts["additional_discount"] == eur("20.00")
    assert pl.totals.discounts["floor"] == eur("-10.00")


def test_a_price_stops_at_zero():
    p = price(quote(line(additional_discount_amount=150)))
    assert p.lines[0].net_unit_price == D("0.00")
    assert "stopped at zero" in p.lines[0].waterfall[-1].reason


def test_negative_prices_when_allowed():
    p = price(
        quote(line(additional_discount_amount=150)),
        options=PricingOptions(allow_negative_prices=True),
    )
    assert p.lines[0].net_unit_price == D("-50.00")


def test_return_line_has_negative_totals():
    p = price(quote(line(quantity=-2, is_return=True)))
    assert p.lines[0].totals.net == eur("-200.00")
    assert p.totals.net == eur("-200.00")


# ------------------------------------------------------------------ rounding


def test_each_step_rounding_differs_from_net_only_rounding():
    # 0.05 less 10 % = 0.045 -> 0.05 (half up), twice: 0.05; at full precision
    # 0.05 x 0.9 x 0.9 = 0.0405 -> 0.04
    q = quote(line(additional_discount=10), partner_discount=10)
    books = [book({"A": "0.05"})]
    each = price(q, books=books)
    net_only = price(
        q, books=books, options=PricingOptions(rounding=RoundingPolicy(unit_rounding="net_only"))
    )
    assert each.lines[0].net_unit_price == D("0.05")
    assert net_only.lines[0].net_unit_price == D("0.04")
    assert net_only.lines[0].waterfall[-1].step == "net"
    assert net_only.totals.list - net_only.totals.discount == net_only.totals.net


def test_unit_places_keep_more_decimals_than_the_total():
    # 9.99 less 15 % = 8.4915 unit (4 places); 3 x 8.4915 = 25.4745 -> 25.47
    p = price(
        quote(line(quantity=3, additional_discount=15)),
        books=[book({"A": "9.99"})],
        options=PricingOptions(rounding=RoundingPolicy(unit_places=4)),
    )
    assert p.lines[0].net_unit_price == D("8.4915")
    assert p.lines[0].totals.net == eur("25.47")


def test_jpy_rounds_to_whole_yen():
    p = price_quote(
        Quote(
            id="Q",
            account="A",
            currency="JPY",
            price_book="JP",
            quote_date=DAY,
            lines=[line(additional_discount=15)],
        ),
        [product()],
        [PriceBook(id="JP", currency="JPY", entries={"A": Money(999, "JPY")})],
    )
    # 999 x 0.85 = 849.15 -> 849
    assert p.lines[0].money("net_unit_price") == Money(849, "JPY")


# ------------------------------------------------------------------ quote discount


def test_quote_discount_amount_is_spread_in_proportion_with_exact_cents():
    # 100.00 off lines worth 300, 200, 100 -> 50.00, 33.33, 16.67 (largest remainder)
    products = [product("A"), product("B"), product("C")]
    books = [book({"A": "300.00", "B": "200.00", "C": "100.00"})]
    p = price(
        quote(line("L1", "A"), line("L2", "B"), line("L3", "C"), discount_amount=100),
        products,
        books,
    )
    shares = [pl.adjustments[0].amount for pl in p.lines]
    assert shares == [D("50.00"), D("33.33"), D("16.67")]
    assert p.totals.net == eur("500.00")
    assert p.totals.discounts["quote_discount"] == eur("100.00")


# ------------------------------------------------------------------ limits


def test_a_manual_discount_beyond_authority_is_flagged_not_clamped():
    p = price(
        quote(line(additional_discount=20)),
        limits=DiscountLimits(role="rep", max_manual_percent=15, max_total_percent=30),
    )
    (pl,) = p.lines
    assert pl.net_unit_price == D("80.00")
    (flag,) = pl.flags
    assert (flag.limit, flag.allowed, flag.actual, flag.role) == (
        "max_manual_percent",
        D(15),
        D("20.00"),
        "rep",
    )


def test_total_discount_limit():
    p = price(
        quote(line(additional_discount=10), partner_discount=30),
        limits=DiscountLimits(role="rep", max_total_percent=30),
    )
    # 100 -> 90 -> 63: 37 % off list
    assert [f.limit for f in p.lines[0].flags] == ["max_total_percent"]
    assert p.lines[0].flags[0].actual == D("37.00")


# ------------------------------------------------------------------ currencies


def test_price_book_in_another_currency_needs_rates():
    usd = PriceBook(id="EU", currency="USD", entries={"A": Money("110.00", "USD")})
    with pytest.raises(CurrencyMismatchError):
        price(quote(line()), books=[usd])
    rates = ExchangeRates([ExchangeRate("USD", "EUR", D("0.9"), DAY)])
    p = price(quote(line()), books=[usd], rates=rates)
    assert p.lines[0].list_unit_price == D("99.00")


# ------------------------------------------------------------------ bad input


def test_unknown_sku_names_the_line():
    with pytest.raises(UnknownProductError) as info:
        price(quote(line(), line("L2", sku="NOPE")))
    assert info.value.path == "lines[1].sku"
    assert info.value.value == "NOPE"


def test_inactive_product():
    with pytest.raises(InactiveProductError):
        price(quote(line()), [product(active=False)])


def test_missing_price_entry():
    with pytest.raises(MissingPriceError) as info:
        price(quote(line(sku="B")), [product("B")])
    assert "price book 'EU' has no price" in str(info.value)


def test_tiered_product_without_tiers():
    with pytest.raises(MissingPriceError, match="has no tier table"):
        price(quote(line()), [product(pricing_method="tiered")])


def test_fractional_quantity_for_a_unit_only_product():
    with pytest.raises(ValidationError) as info:
        price(quote(line(quantity="1.5")))
    assert info.value.path == "lines[0].quantity"
    hours = price(quote(line(quantity="1.5")), [product(fractional_quantity=True)])
    assert hours.net_total == eur("150.00")


def test_inactive_and_out_of_date_price_books():
    with pytest.raises(ValidationError, match="inactive"):
        price(quote(line()), books=[book(active=False)])
    with pytest.raises(ValidationError, match="not valid on"):
        price(quote(line()), books=[book(valid_until=dt.date(2027, 1, 31))])


def test_unknown_price_book():
    with pytest.raises(ValidationError) as info:
        price(quote(line()), books=[PriceBook(id="US", currency="USD")])
    assert info.value.path == "price_book"


def test_a_locked_quote_cannot_be_repriced_but_can_be_shown():
    q = quote(line(), status="approved")
    with pytest.raises(QuoteLockedError):
        price(q)
    assert price(q, allow_locked=True).net_total == eur("100.00")


def test_a_term_on_a_one_off_product_is_refused():
    with pytest.raises(ValidationError) as info:
        price(quote(line(term=12)))
    assert info.value.path == "lines[0].term"


def test_unknown_schedule():
    with pytest.raises(ValidationError, match="unknown discount schedule"):
        price(quote(line()), [product(discount_schedule="NOPE")])


# ------------------------------------------------------------------ tax and promotions


def test_tax_exclusive_prices_add_tax_to_the_net():
    from sfa_core.pricing import RateTaxPolicy

    # 3 x 100.00 = 300.00 net, 20 % tax = 60.00, gross 360.00
    p = price(quote(line(quantity=3)), tax=RateTaxPolicy({"standard": 20}))
    assert (p.totals.net, p.totals.tax, p.totals.gross) == (
        eur("300.00"),
        eur("60.00"),
        eur("360.00"),
    )
    assert p.tax is not None
    assert p.tax.tax == D("60.00")


def test_tax_inclusive_prices_split_the_gross():
    from sfa_core.pricing import RateTaxPolicy

    # 120.00 gross at 20 %: tax = 120 x 20 / 120 = 20.00, net 100.00
    p = price(
        quote(line()),
        books=[book({"A": "120.00"})],
        tax=RateTaxPolicy({"standard": 20}, prices_include_tax=True),
    )
    assert (p.totals.net, p.totals.tax, p.totals.gross) == (
        eur("100.00"),
        eur("20.00"),
        eur("120.00"),
    )
    # with tax-inclusive prices, list - discounts meets the gross
    assert p.totals.list - p.totals.discount == p.totals.gross


def test_promotions_apply_after_the_waterfall_as_line_adjustments():
    from sfa_core.pricing import Benefit, Condition, ProductRange, Promotion

    everything = ProductRange(all_products=True)
    promo = Promotion(
        id="TEN-OFF",
        name="10 off orders with 3 items",
        condition=Condition(kind="count", value=3, range=everything),
        benefit=Benefit(kind="absolute", value=10),
    )
    products = [product("A"), product("B")]
    books = [book({"A": "100.00", "B": "50.00"})]
    p = price(quote(line("L1", "A", 2), line("L2", "B", 1)), products, books, promotions=[promo])
    assert p.totals.net == eur("240.00")
    assert p.totals.discounts["promotion"] == eur("10.00")
    # spread in proportion to 200 and 50: 8.00 and 2.00
    assert [pl.adjustments[0].amount for pl in p.lines] == [D("8.00"), D("2.00")]
    assert p.promotions is not None
    assert p.promotions.applied[0].promotion_id == "TEN-OFF"


def test_a_return_line_is_taxed_as_a_credit():
    from sfa_core.pricing import RateTaxPolicy

    p = price(
        quote(line("L1", quantity=2), line("L2", quantity=-1, is_return=True)),
        tax=RateTaxPolicy({"standard": 20}),
    )
    assert p.line("L2").tax == D("-20.00")
    assert (p.totals.net, p.totals.tax, p.totals.gross) == (
        eur("100.00"),
        eur("20.00"),
        eur("120.00"),
    )


def test_a_quote_discount_remainder_goes_by_line_key_not_line_order():
    # 0.10 over three equal lines: 0.04 to the smallest key, 0.03 to the others
    lines = [line("B"), line("A"), line("C")]
    for ordered in (lines, lines[::-1]):
        p = price(quote(*ordered, discount_amount="0.10"))
        shares = {pl.key: pl.adjustments[0].amount for pl in p.lines}
        assert shares == {"A": D("0.04"), "B": D("0.03"), "C": D("0.03")}


# ------------------------------------------------------------------ argument forms

_VOLUME = DiscountSchedule("VOL", [(9, 0), (None, 10)])


@pytest.mark.parametrize(
    ("catalog", "books", "schedules"),
    [
        ([product(discount_schedule="VOL")], [book()], [_VOLUME]),
        ((product(discount_schedule="VOL"),), (book(),), (_VOLUME,)),
        ({"A": product(discount_schedule="VOL")}, {"EU": book()}, {"VOL": _VOLUME}),
        (iter([product(discount_schedule="VOL")]), book(), iter([_VOLUME])),
    ],
    ids=["lists", "tuples", "mappings", "iterators and a single book"],
)
def test_every_accepted_argument_form_prices_alike(catalog, books, schedules):
    priced = price_quote(quote(line(quantity=12)), catalog, books, schedules=schedules)
    assert steps(priced.lines[0]) == [("list", D("100.00")), ("volume_schedule", D("90.00"))]
    assert priced.totals.net == eur("1080.00")


@pytest.mark.parametrize(
    ("catalog", "books", "schedules", "path"),
    [
        ([product(), "A"], [book()], (), "catalog[1]"),
        ([product()], [book(), "EU"], (), "price_books[1]"),
        ([product()], (book(), None), (), "price_books[1]"),
        ([product()], [book()], [_VOLUME, "VOL"], "schedules[1]"),
    ],
)
def test_an_argument_of_the_wrong_kind_is_named(catalog, books, schedules, path):
    with pytest.raises(ValidationError) as caught:
        price_quote(quote(line()), catalog, books, schedules=schedules)
    assert caught.value.path == path


def test_empty_schedules_in_any_form_mean_none():
    for schedules in ((), [], {}):
        priced = price_quote(quote(line()), [product()], [book()], schedules=schedules)
        assert priced.totals.net == eur("100.00")


def test_a_priced_lines_totals_are_built_once():
    import datetime as dt

    from sfa_core import Money
    from sfa_core.catalog import PriceBook, Product
    from sfa_core.quotes import Quote, QuoteLine, price_quote

    quote = Quote(
        id="Q",
        account="A",
        currency="EUR",
        price_book="EU",
        quote_date=dt.date(2027, 1, 1),
        lines=[QuoteLine(key="L1", sku="X", quantity=2)],
    )
    book = PriceBook(id="EU", currency="EUR", entries={"X": Money("5.00", "EUR")})
    line = price_quote(quote, [Product(sku="X", name="x")], book).lines[0]
    assert line.totals is line.totals
    assert line.totals.net == Money("10.00", "EUR")
