import json
from decimal import Decimal

import attrs
import pytest

from sfa_core.catalog.tiers import (
    BlockPricing,
    PackagePricing,
    PackageRounding,
    Tier,
    TierCharge,
    TierMode,
    TierPrice,
    TierPricing,
    TierTable,
)
from sfa_core.errors import (
    FloatAmountError,
    InvalidAmountError,
    SerializationError,
    ValidationError,
)
from sfa_core.serialization import converter, structure, to_json, unstructure

D = Decimal

# 1-10 at 5.00, 11-20 at 4.50 plus a 10.00 fee, 21+ at 4.00 (Stripe-style up_to 10, 20, inf).
ROWS = [(10, "5.00"), (20, "4.50", "10.00"), (None, "4.00")]


def round_trip(value, cls):
    """Documents are plain JSON: unstructure, through JSON text, and back."""
    doc = json.loads(to_json(value))
    assert doc == {"format": 1, "value": unstructure(value)}
    return structure(doc, cls)


class TestTier:
    def test_defaults_and_conversion(self):
        tier = Tier(10, "5.00")
        assert (tier.up_to, tier.unit_amount, tier.flat_amount) == (D(10), D("5.00"), D(0))
        assert Tier(None, 1, "2.5") == Tier(None, D(1), D("2.5"))

    def test_is_frozen_and_hashable(self):
        tier = Tier(10, 1)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            tier.up_to = D(5)  # type: ignore[misc]
        assert {tier: 1}[Tier(10, 1)] == 1

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"up_to": 0}, ValidationError, "up_to: must be greater than zero (got Decimal('0'))"),
            (
                {"up_to": -5},
                ValidationError,
                "up_to: must be greater than zero (got Decimal('-5'))",
            ),
            (
                {"up_to": 10, "unit_amount": -1},
                ValidationError,
                "unit_amount: must not be negative",
            ),
            ({"up_to": 10, "flat_amount": "-0.01"}, ValidationError, "flat_amount: must not be"),
            ({"up_to": 10.0}, FloatAmountError, "up_to: floats are inexact"),
            ({"up_to": 10, "unit_amount": 0.1}, FloatAmountError, "unit_amount: floats"),
            ({"up_to": "ten"}, InvalidAmountError, "up_to: is not a number (got 'ten')"),
            ({"up_to": "Infinity"}, InvalidAmountError, "up_to: must be a finite number"),
        ],
    )
    def test_invalid(self, kwargs, error, message):
        with pytest.raises(error) as info:
            Tier(**kwargs)
        assert str(info.value).startswith(message)

    def test_round_trip(self):
        for tier in (Tier(10, "5.00"), Tier(None, 0, "12.50")):
            assert round_trip(tier, Tier) == tier
            assert structure(unstructure(tier), Tier) == tier


class TestVolume:
    table = TierTable.volume(ROWS)

    @pytest.mark.parametrize(
        ("quantity", "expected", "tier"),
        [
            ("1", "5.00", 0),  # 1 x 5.00
            ("0.5", "2.500", 0),  # fractional: 0.5 x 5.00
            ("10", "50.00", 0),  # exactly at up_to 10: still tier 0, 10 x 5.00
            ("10.5", "57.250", 1),  # 10.5 x 4.50 + 10.00 = 47.25 + 10
            ("20", "100.00", 1),  # 20 x 4.50 + 10.00
            ("21", "84.00", 2),  # 21 x 4.00, the open tier
            ("1000", "4000.00", 2),
        ],
    )
    def test_amount(self, quantity, expected, tier):
        q = D(quantity)
        assert self.table.amount(q) == D(expected)
        assert str(self.table.amount(q)) == expected
        price = self.table.price(q)
        assert price.amount == D(expected)
        assert price.method == "volume"
        assert len(price.charges) == 1
        charge = price.charges[0]
        assert (charge.tier, charge.units, charge.amount) == (tier, q, D(expected))

    def test_flat_only_tier(self):
        # A tier with only a flat fee: any quantity up to 10 costs 50.
        table = TierTable.volume([(10, 0, 50), (None, 4)])
        assert table.amount(D(3)) == D(50)
        assert table.amount(D(11)) == D(44)

    def test_price_text(self):
        assert str(self.table.price(D(15))) == (
            "volume pricing of 15 units = 77.50\n"
            "  tier 2 (up to 20): 15 x 4.50 + 10.00 flat = 77.50"
        )

    def test_single_open_tier_is_a_unit_price(self):
        assert TierTable.volume([(None, "19.99")]).amount(D(3)) == D("59.97")

    def test_constructor_takes_mode_values_and_tier_values(self):
        table = TierTable("volume", (Tier(10, "5.00"), Tier(20, "4.50", "10.00"), Tier(None, 4)))
        assert table == TierTable(TierMode.VOLUME, ROWS)
        assert table.mode is TierMode.VOLUME
        assert table.tiers[1] == Tier(20, "4.50", "10.00")


class TestGraduated:
    table = TierTable.graduated(ROWS)

    @pytest.mark.parametrize(
        ("quantity", "expected"),
        [
            ("1", "5.00"),  # 1 x 5.00
            ("10", "50.00"),  # exactly at up_to: tier 1 not touched, no fee
            ("10.5", "62.250"),  # 10 x 5.00 + 0.5 x 4.50 + 10.00 (tier 1 touched)
            ("20", "105.00"),  # 50.00 + 10 x 4.50 + 10.00
            ("25", "125.00"),  # 105.00 + 5 x 4.00
        ],
    )
    def test_amount(self, quantity, expected):
        q = D(quantity)
        assert self.table.amount(q) == D(expected)
        assert self.table.price(q).amount == self.table.amount(q)

    def test_charges_per_tier(self):
        price = self.table.price(D(25))
        assert price.method == "graduated"
        assert price.charges == (
            TierCharge(0, D(10), D(10), D("5.00"), D(0), D("50.00")),
            TierCharge(1, D(20), D(10), D("4.50"), D("10.00"), D("55.00")),
            TierCharge(2, None, D(5), D("4.00"), D(0), D("20.00")),
        )
        assert sum(c.amount for c in price.charges) == price.amount

    def test_boundary_touches_only_full_tiers(self):
        assert [c.tier for c in self.table.price(D(20)).charges] == [0, 1]
        assert [c.units for c in self.table.price(D("20.001")).charges] == [
            D(10),
            D(10),
            D("0.001"),
        ]

    def test_fractional_units(self):
        price = self.table.price(D("12.25"))
        # 10 x 5.00 + 2.25 x 4.50 + 10.00 = 50 + 10.125 + 10
        assert price.amount == D("70.125")
        assert price.charges[1].units == D("2.25")

    def test_price_text(self):
        assert str(self.table.price(D(25))) == "\n".join(
            [
                "graduated pricing of 25 units = 125.00",
                "  tier 1 (up to 10): 10 x 5.00 = 50.00",
                "  tier 2 (up to 20): 10 x 4.50 + 10.00 flat = 55.00",
                "  tier 3 (open): 5 x 4.00 = 20.00",
            ]
        )

    def test_amount_is_exact_beyond_28_digits(self):
        q = D("1234567890.123456789012345678901")  # 31 significant digits
        # 50.00 + 55.00 + (q - 20) x 4.00 = 105.00 + 4938271480.493827156049382715604
        exact = D("4938271585.493827156049382715604")
        assert self.table.amount(q) == exact
        assert self.table.price(q).amount == exact
        assert D("105.00") + (q - 20) * D("4.00") != exact  # the default 28-digit context rounds


class TestTierTableValidation:
    @pytest.mark.parametrize(
        ("tiers", "message"),
        [
            ([], "tiers: must have at least one tier (got ())"),
            ([(10, 1), (20, 2)], "tiers[1].up_to: the last tier must be open (up_to=None)"),
            (
                [(10, 1), (10, 2), (None, 3)],
                "tiers[1].up_to: must be greater than tiers[0].up_to (10): "
                "tiers are out of order or overlap (got Decimal('10'))",
            ),
            (
                [(20, 1), (10, 2), (None, 3)],
                "tiers[1].up_to: must be greater than tiers[0].up_to (20)",
            ),
            (
                [(None, 1), (None, 2)],
                "tiers[0].up_to: only the last tier may be open (up_to=None) (got None)",
            ),
            ([(10, 1), (0, 1), (None, 1)], "tiers[1].up_to: must be greater than zero"),
            (
                [(10, -1), (None, 1)],
                "tiers[0].unit_amount: must not be negative (got Decimal('-1'))",
            ),
            ([(10, 1), (None, 1, "-2")], "tiers[1].flat_amount: must not be negative"),
            ([(10,)], "tiers[0]: must be a tuple (up_to, unit_amount)"),
            ([(10, 1, 2, 3)], "tiers[0]: must be a tuple (up_to, unit_amount)"),
            ([5], "tiers[0]: must be a Tier or a tuple"),
            ("abc", "tiers: must be a sequence of tiers (got 'abc')"),
        ],
    )
    def test_invalid_tiers(self, tiers, message):
        with pytest.raises(ValidationError) as info:
            TierTable.graduated(tiers)
        assert str(info.value).startswith(message)

    def test_error_keeps_path_value_and_class(self):
        with pytest.raises(FloatAmountError) as info:
            TierTable.volume([(10, "5.00"), (None, 4.5)])
        assert info.value.path == "tiers[1].unit_amount"
        assert info.value.value == 4.5
        assert info.value.reason.startswith("floats are inexact")

    def test_invalid_mode(self):
        with pytest.raises(ValidationError, match=r"mode: must be one of 'volume', 'graduated'"):
            TierTable("slab", ROWS)  # type: ignore[arg-type]


class TestQuantity:
    @pytest.mark.parametrize(
        "pricing",
        [
            TierTable.volume(ROWS),
            TierTable.graduated(ROWS),
            BlockPricing([(10, 100)], overage=1),
            PackagePricing(5, 10),
        ],
        ids=["volume", "graduated", "block", "package"],
    )
    @pytest.mark.parametrize(
        ("quantity", "error", "message"),
        [
            (D(0), ValidationError, "quantity: must be greater than zero (got Decimal('0'))"),
            (D("-1"), ValidationError, "quantity: must be greater than zero"),
            (1.5, FloatAmountError, "quantity: floats are inexact"),
            (D("NaN"), InvalidAmountError, "quantity: must be a finite number"),
            (D("Infinity"), InvalidAmountError, "quantity: must be a finite number"),
            (True, InvalidAmountError, "quantity: must be a Decimal, an int or a numeric string"),
        ],
    )
    def test_invalid_quantity(self, pricing, quantity, error, message):
        for method in (pricing.amount, pricing.price):
            with pytest.raises(error) as info:
                method(quantity)
            assert str(info.value).startswith(message)
            assert info.value.path == "quantity"

    def test_int_and_str_quantities_are_accepted(self):
        table = TierTable.volume(ROWS)
        assert table.amount(3) == table.amount("3") == D("15.00")  # type: ignore[arg-type]


class TestBlock:
    blocks = BlockPricing([(10, "100.00"), (50, "300.00")], overage="5.00")

    @pytest.mark.parametrize(
        ("quantity", "expected"),
        [
            ("1", "100.00"),  # quantity not multiplied: the block's price
            ("7", "100.00"),
            ("10", "100.00"),  # exactly at up_to: first block
            ("10.01", "300.00"),  # just above: second block
            ("50", "300.00"),  # exactly at the last block's up_to: no overage
            ("50.5", "302.500"),  # 300.00 + 0.5 x 5.00
            ("53", "315.00"),  # 300.00 + (53 - 50) x 5.00
        ],
    )
    def test_amount(self, quantity, expected):
        assert self.blocks.amount(D(quantity)) == D(expected)
        assert self.blocks.price(D(quantity)).amount == D(expected)

    def test_charges(self):
        assert self.blocks.price(D(7)).charges == (
            TierCharge(0, D(10), D(7), D(0), D("100.00"), D("100.00")),
        )
        assert self.blocks.price(D(53)).charges == (
            TierCharge(1, D(50), D(50), D(0), D("300.00"), D("300.00")),
            TierCharge(2, None, D(3), D("5.00"), D(0), D("15.00")),
        )

    def test_text(self):
        assert str(self.blocks.price(D(53))) == "\n".join(
            [
                "block pricing of 53 units = 315.00",
                "  block 1 (up to 50): 300.00 flat",
                "  overage: 3 units x 5.00 = 15.00",
            ]
        )

    def test_beyond_last_block_without_overage(self):
        blocks = BlockPricing([(10, "100.00"), (50, "300.00")])
        assert blocks.amount(D(50)) == D("300.00")
        for method in (blocks.amount, blocks.price):
            with pytest.raises(ValidationError) as info:
                method(D(51))
            assert str(info.value) == (
                "quantity: is beyond the last block (up_to 50) and there is no overage rate "
                "(got Decimal('51'))"
            )

    def test_zero_overage_keeps_the_last_price(self):
        assert BlockPricing([(10, 100)], overage=0).amount(D(1000)) == D(100)

    def test_cpq_overage_block_mapping(self):
        # CPQ: 1-10 (upper bound 11) 100, 11-50 (upper 51) 300, overage block from 51 at 300
        # with OverageRate 5: price = 300 + (quantity - 51) x 5; 53 -> 310.
        # Here: the overage block is a last block (51, 300) with overage 5.
        blocks = BlockPricing([(10, 100), (50, 300), (51, 300)], overage=5)
        assert [blocks.amount(D(q)) for q in (50, 51, 52, 53)] == [D(300), D(300), D(305), D(310)]

    def test_tier_values_are_accepted(self):
        assert BlockPricing([Tier(10, flat_amount=100)]) == BlockPricing([(10, 100)])

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"blocks": []}, "blocks: must have at least one tier"),
            (
                {"blocks": [(10, 100), (None, 200)]},
                "blocks[1].up_to: the last block must have a finite up_to",
            ),
            (
                {"blocks": [(10, 100), (10, 200)]},
                "blocks[1].up_to: must be greater than blocks[0].up_to (10)",
            ),
            (
                {"blocks": [Tier(10, "1.00")]},
                "blocks[0].unit_amount: must be 0: a block has one flat price",
            ),
            ({"blocks": [(10, -1)]}, "blocks[0].flat_amount: must not be negative"),
            ({"blocks": [(10, 1, 2)]}, "blocks[0]: must be a tuple (up_to, price)"),
            ({"blocks": [(10, 1)], "overage": "-1"}, "overage: must not be negative"),
            ({"blocks": [(10, 1)], "overage": 0.5}, "overage: floats are inexact"),
        ],
    )
    def test_invalid(self, kwargs, message):
        with pytest.raises(ValidationError) as info:
            BlockPricing(**kwargs)
        assert str(info.value).startswith(message)


class TestPackage:
    @pytest.mark.parametrize(
        ("size", "quantity", "rounding", "packages", "amount"),
        [
            ("5", "11", "up", "3", "30.00"),  # ceil(11 / 5) = 3 x 10.00
            ("5", "11", "down", "2", "20.00"),  # floor(11 / 5) = 2
            ("5", "10", "up", "2", "20.00"),  # exactly two packages either way
            ("5", "10", "down", "2", "20.00"),
            ("5", "4", "down", "0", "0.00"),  # less than one package rounds down to none
            ("5", "0.5", "up", "1", "10.00"),  # a started package is a package
            ("2.5", "5.1", "up", "3", "30.00"),  # fractional package size: 5.1 / 2.5 = 2.04
            ("0.25", "1", "up", "4", "40.00"),
        ],
    )
    def test_amount(self, size, quantity, rounding, packages, amount):
        pricing = PackagePricing(size, "10.00", rounding)
        assert pricing.packages(D(quantity)) == D(packages)
        assert pricing.amount(D(quantity)) == D(amount)
        price = pricing.price(D(quantity))
        assert price.amount == D(amount)
        assert price.charges == (TierCharge(0, None, D(packages), D("10.00"), D(0), D(amount)),)

    def test_text(self):
        assert str(PackagePricing(5, "10.00").price(D(11))) == (
            "package pricing of 11 units = 30.00\n  3 packages x 10.00 = 30.00"
        )

    def test_default_rounding_is_up(self):
        assert PackagePricing(5, 1).rounding is PackageRounding.UP

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            ((0, 10), "package_size: must be greater than zero (got Decimal('0'))"),
            ((-5, 10), "package_size: must be greater than zero"),
            ((5, "-1"), "package_amount: must not be negative (got Decimal('-1'))"),
            ((5, 10, "nearest"), "rounding: must be one of 'up', 'down' (got 'nearest')"),
        ],
    )
    def test_invalid(self, args, message):
        with pytest.raises(ValidationError) as info:
            PackagePricing(*args)
        assert str(info.value).startswith(message)


VALUES = [
    TierTable.volume(ROWS),
    TierTable.graduated(ROWS),
    BlockPricing([(10, "100.00"), (50, "300.00")], overage="5.00"),
    BlockPricing([(10, "100.00")]),
    PackagePricing("2.5", "10.00", "down"),
]


class TestSerialization:
    @pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
    def test_round_trip(self, value):
        assert round_trip(value, type(value)) == value
        assert round_trip(value, type(value)).amount(D(7)) == value.amount(D(7))

    @pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
    def test_union_is_tagged(self, value):
        doc = converter.unstructure(value, unstructure_as=TierPricing)
        assert doc["type"] == type(value).__name__
        assert structure(json.loads(json.dumps(doc)), TierPricing) == value

    def test_mapping_of_union(self):
        book = {"A": VALUES[1], "B": VALUES[2], "C": VALUES[4]}
        doc = json.loads(
            json.dumps(converter.unstructure(book, unstructure_as=dict[str, TierPricing]))
        )
        assert [d["type"] for d in doc.values()] == ["TierTable", "BlockPricing", "PackagePricing"]
        assert structure(doc, dict[str, TierPricing]) == book

    def test_results_round_trip(self):
        for price in (
            TierTable.graduated(ROWS).price(D(25)),
            BlockPricing([(10, 100)], overage=5).price(D(12)),
            PackagePricing(5, 10).price(D(11)),
        ):
            assert round_trip(price, TierPrice) == price
            assert round_trip(price.charges[0], TierCharge) == price.charges[0]

    def test_invalid_document_names_the_path(self):
        doc = unstructure(TierTable.graduated(ROWS))
        doc = json.loads(json.dumps(doc))
        doc["tiers"][1]["up_to"] = "5"
        with pytest.raises(SerializationError) as info:
            structure(doc, TierTable)
        assert info.value.path == "tiers[1].up_to"
        with pytest.raises(SerializationError) as info:
            structure({"type": "Nope"}, TierPricing)
        assert info.value.path == "type"
