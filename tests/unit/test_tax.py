"""Tax per line, tax-exclusive and tax-inclusive, checked by hand."""

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

import pytest

from sfa_core.errors import FloatAmountError, UnknownCurrencyError, ValidationError
from sfa_core.pricing.tax import (
    RateTaxPolicy,
    TaxableLine,
    TaxLine,
    TaxPolicy,
    TaxResult,
    UnknownTaxCategoryError,
)
from sfa_core.serialization import structure, unstructure

D = Decimal
RATES = {"standard": D(20), "reduced": D("5.5"), "zero": D(0)}


def taxable(key: str, amount: str, category: str = "standard") -> TaxableLine:
    return TaxableLine(key, category, D(amount))


class TestExclusive:
    def test_tax_is_added_per_line(self):
        result = RateTaxPolicy(RATES).tax(
            [taxable("a", "19.99"), taxable("b", "10.00", "reduced"), taxable("c", "7", "zero")],
            currency="EUR",
        )
        # a: 19.99 * 20 % = 3.998 -> 4.00; b: 10.00 * 5.5 % = 0.55; c: 0.
        assert [(line.net, line.tax, line.gross) for line in result.lines] == [
            (D("19.99"), D("4.00"), D("23.99")),
            (D("10.00"), D("0.55"), D("10.55")),
            (D("7"), D("0.00"), D("7.00")),
        ]
        assert (result.net, result.tax, result.gross) == (D("36.99"), D("4.55"), D("41.54"))
        assert not result.prices_include_tax

    def test_per_line_rounding_keeps_totals_exact(self):
        lines = [taxable(key, "0.05") for key in "abc"]
        result = RateTaxPolicy(RATES).tax(lines, currency="EUR")
        # Each line: 0.05 * 20 % = 0.01 exactly; the total is 3 x 0.01 = 0.03 (rounding
        # the 0.15 total would give 0.03 too, but the lines are what is invoiced).
        assert result.tax == D("0.03")
        halves = RateTaxPolicy({"standard": D(10)}).tax(
            [taxable(key, "0.05") for key in "abc"], currency="EUR"
        )
        # 0.05 * 10 % = 0.005 -> 0.01 per line (half up): 0.03, where the total of
        # 0.15 * 10 % = 0.015 would round to 0.02. The lines add up; that is the rule.
        assert halves.tax == D("0.03")
        assert halves.net + halves.tax == halves.gross

    def test_rounding_mode(self):
        line = [taxable("a", "0.05")]
        # 0.05 * 10 % = 0.005.
        assert RateTaxPolicy({"standard": D(10)}).tax(line, currency="EUR").tax == D("0.01")
        down = RateTaxPolicy({"standard": D(10)}, rounding=ROUND_DOWN)
        assert down.tax(line, currency="EUR").tax == D("0.00")
        even = RateTaxPolicy({"standard": D(10)}, rounding=ROUND_HALF_EVEN)
        assert even.tax(line, currency="EUR").tax == D("0.00")

    def test_currency_precision(self):
        policy = RateTaxPolicy({"standard": D(10)})
        # 1,005 JPY * 10 % = 100.5 -> 101 (whole yen, half up).
        assert policy.tax([taxable("a", "1005")], currency="JPY").tax == D("101")
        # 1.005 BHD * 10 % = 0.1005 -> 0.101 (3 decimals).
        assert policy.tax([taxable("a", "1.005")], currency="BHD").tax == D("0.101")


class TestInclusive:
    def test_tax_is_taken_out_of_the_gross(self):
        policy = RateTaxPolicy(RATES, prices_include_tax=True)
        result = policy.tax(
            [taxable("a", "12.00"), taxable("b", "10.00", "reduced"), taxable("c", "9.99")],
            currency="EUR",
        )
        # a: 12.00 * 20 / 120 = 2.00; b: 10.00 * 5.5 / 105.5 = 0.5213 -> 0.52;
        # c: 9.99 * 20 / 120 = 1.665 -> 1.67 (half up); net = gross - tax.
        assert [(line.net, line.tax, line.gross) for line in result.lines] == [
            (D("10.00"), D("2.00"), D("12.00")),
            (D("9.48"), D("0.52"), D("10.00")),
            (D("8.32"), D("1.67"), D("9.99")),
        ]
        assert (result.net, result.tax, result.gross) == (D("27.80"), D("4.19"), D("31.99"))
        assert result.prices_include_tax
        assert str(result).endswith("(prices include tax)")


class TestCategories:
    def test_unknown_category_is_an_error(self):
        with pytest.raises(UnknownTaxCategoryError) as err:
            RateTaxPolicy(RATES).tax(
                [taxable("a", "1"), taxable("b", "1", "books")], currency="EUR"
            )
        assert (err.value.key, err.value.category, err.value.path) == (
            "b",
            "books",
            "lines[1].category",
        )
        assert isinstance(err.value, ValidationError)

    def test_default_category(self):
        policy = RateTaxPolicy(RATES, default_category="reduced")
        line = policy.tax([taxable("a", "100", "books")], currency="EUR").lines[0]
        # books has no rate: the reduced 5.5 % applies and the line says so.
        assert (line.category, line.rate, line.tax) == ("reduced", D("5.5"), D("5.50"))


class TestValidation:
    @pytest.mark.parametrize(
        ("build", "path"),
        [
            (lambda: RateTaxPolicy({"standard": D(-1)}), "rates['standard']"),
            (lambda: RateTaxPolicy({"standard": D(101)}), "rates['standard']"),
            (lambda: RateTaxPolicy({"": D(1)}), "rates['']"),
            (lambda: RateTaxPolicy(RATES, default_category="books"), "default_category"),
            (lambda: RateTaxPolicy(RATES, rounding="HALF"), "rounding"),
            (lambda: RateTaxPolicy(RATES, prices_include_tax=1), "prices_include_tax"),
            (lambda: TaxableLine("a", "standard", "x"), "amount"),
            (lambda: TaxableLine("a", "", D(1)), "category"),
            (lambda: TaxLine("a", "s", D(20), D(10), D(2), D(13)), "gross"),
            (
                lambda: TaxResult(
                    (TaxLine("a", "s", D(20), D(10), D(2), D(12)),), D(10), D(2), D(13), False
                ),
                "gross",
            ),
        ],
    )
    def test_values_are_checked(self, build, path):
        with pytest.raises(ValidationError) as err:
            build()
        assert err.value.path == path

    def test_float_rate_is_refused(self):
        with pytest.raises(FloatAmountError):
            RateTaxPolicy({"standard": 20.0})  # type: ignore[dict-item]

    @pytest.mark.parametrize(
        ("lines", "path"),
        [
            ([taxable("a", "1"), taxable("a", "2")], "lines[1].key"),
            (["a"], "lines[0]"),
        ],
    )
    def test_lines_are_checked(self, lines, path):
        with pytest.raises(ValidationError) as err:
            RateTaxPolicy(RATES).tax(lines, currency="EUR")
        assert err.value.path == path

    def test_unknown_currency(self):
        with pytest.raises(UnknownCurrencyError):
            RateTaxPolicy(RATES).tax([], currency="XXY")


class TestValues:
    def test_protocol(self):
        assert isinstance(RateTaxPolicy(RATES), TaxPolicy)
        assert not isinstance(object(), TaxPolicy)

    def test_empty(self):
        result = RateTaxPolicy(RATES).tax([], currency="EUR")
        assert result == TaxResult((), D(0), D(0), D(0), False)

    def test_str(self):
        result = RateTaxPolicy(RATES).tax([taxable("a", "10.00")], currency="EUR")
        assert str(result) == (
            "a      standard  20%  net 10.00  tax 2.00  gross 12.00\n"
            "total                 net 10.00  tax 2.00  gross 12.00 (prices exclude tax)"
        )

    def test_round_trip(self):
        policy = RateTaxPolicy(
            RATES, prices_include_tax=True, default_category="zero", rounding=ROUND_DOWN
        )
        result = policy.tax([taxable("a", "10.00"), taxable("b", "3.30", "other")], currency="EUR")
        for value in (policy, taxable("a", "1.00"), result.lines[0], result):
            assert structure(unstructure(value), type(value)) == value


def test_a_credit_line_has_negative_tax():
    # a return of 100.00 net at 20 %: tax -20.00, gross -120.00
    result = RateTaxPolicy({"standard": 20}).tax(
        [TaxableLine("r", "standard", D("-100.00"))], currency="EUR"
    )
    assert (result.net, result.tax, result.gross) == (D("-100.00"), D("-20.00"), D("-120.00"))


def test_an_amount_with_more_decimals_keeps_them_and_only_the_tax_is_rounded():
    # 10.0049 net at 20 %: tax 2.00098 -> 2.00; gross 12.0049
    result = RateTaxPolicy({"standard": 20}).tax(
        [TaxableLine("a", "standard", D("10.0049"))], currency="EUR"
    )
    assert (result.lines[0].tax, result.lines[0].gross) == (D("2.00"), D("12.0049"))
