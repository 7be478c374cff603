"""A web shop's checkout priced with sfa_core: no engine, no storage, one pure call.

The shop holds its catalogue, its price book, its promotions and its VAT rates in
memory and prices a cart (SKU -> quantity) with :func:`sfa_core.quotes.price_quote`.
Shop prices include VAT, as European shops display them: the receipt's total is
what the customer pays, and the VAT it contains is computed per line.

Run it with ``python examples/checkout.py`` to print a receipt; importing it has no
side effects. The self-check below runs under ``pytest`` (doctests and the
``test_`` functions at the end).

>>> receipt = checkout({"MUG": 3, "TEE": 1, "NOVEL": 2}, on=dt.date(2027, 3, 1))
>>> receipt.gross_total
Money(amount=Decimal('59.30'), currency='EUR')
>>> [(line.sku, str(line.amount)) for line in receipt.lines]
[('MUG', '17.80'), ('TEE', '19.00'), ('NOVEL', '22.50')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import attrs

from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import ValidationError
from sfa_core.money import Money
from sfa_core.pricing import (
    Benefit,
    BenefitKind,
    Condition,
    ConditionKind,
    ProductRange,
    Promotion,
    RateTaxPolicy,
    UnknownProductError,
)
from sfa_core.quotes import PricedQuote, Quote, QuoteLine, price_quote

CURRENCY = "EUR"


def eur(amount: str) -> Money:
    return Money(amount, CURRENCY)


CATALOG = {
    product.sku: product
    for product in (
        Product(sku="MUG", name="Mug", family="mugs"),
        Product(sku="TEE", name="T-shirt", family="shirts"),
        Product(sku="NOVEL", name="Paperback novel", family="books", tax_category="reduced"),
    )
}

PRICE_BOOK = PriceBook(
    id="WEB",
    currency=CURRENCY,
    entries={"MUG": eur("8.90"), "TEE": eur("19.00"), "NOVEL": eur("12.50")},
)

MUGS = ProductRange(families=("mugs",))
BOOKS = ProductRange(families=("books",))

PROMOTIONS = (
    Promotion(
        id="3-MUGS-FOR-2",
        name="3 mugs for the price of 2",
        condition=Condition(ConditionKind.COUNT, Decimal(3), MUGS),
        benefit=Benefit(BenefitKind.MULTIBUY),
    ),
    Promotion(
        id="BOOKS-10",
        name="10 % off when you buy 2 books",
        condition=Condition(ConditionKind.COUNT, Decimal(2), BOOKS),
        benefit=Benefit(BenefitKind.PERCENT, Decimal(10)),
    ),
)

# VAT rates by tax category; the shop's prices include VAT.
VAT = RateTaxPolicy({"standard": Decimal(20), "reduced": Decimal("5.5")}, prices_include_tax=True)


@attrs.frozen
class ReceiptLine:
    """One line of the receipt: what was bought, what it cost, what was saved."""

    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    amount: Decimal
    tax: Decimal
    promotions: tuple[tuple[str, Decimal], ...]  # (promotion id, amount off the line)


@attrs.frozen
class Receipt:
    """The priced cart: its lines, the total paid, the VAT in it, and the whole story."""

    day: dt.date
    lines: tuple[ReceiptLine, ...]
    gross_total: Money
    tax_total: Money
    savings: Money
    priced: PricedQuote

    def __str__(self) -> str:
        rows = [f"Receipt {self.day.isoformat()}"]
        for line in self.lines:
            label = f"{line.quantity} x {line.name}"
            rows.append(f"  {label:<28}{line.unit_price:>9}{line.quantity * line.unit_price:>10}")
            rows.extend(f"    {name:<35}{-amount:>10}" for name, amount in line.promotions)
        rows.append(f"  {'You saved':<37}{self.savings.amount:>10}")
        rows.append(f"  {'Total':<37}{self.gross_total.amount:>10}")
        rows.append(f"  {'of which VAT':<37}{self.tax_total.amount:>10}")
        return "\n".join(rows)


def checkout(cart: Mapping[str, int], *, on: dt.date) -> Receipt:
    """Price ``cart`` on day ``on`` with the shop's promotions and VAT.

    Args:
        cart: Quantities by SKU, in the order the customer added them.
        on: The day of the sale (the price book and the rates of that day apply).

    Returns:
        The receipt.

    Raises:
        UnknownProductError: A SKU the shop does not sell (its path names the line).
        ValidationError: A quantity that is not a whole number above zero.
    """
    lines = []
    for index, (sku, quantity) in enumerate(cart.items()):
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise ValidationError(
                "must be a whole number above zero", path=f"cart[{sku!r}]", value=quantity
            )
        lines.append(QuoteLine(key=f"L{index + 1}", sku=sku, quantity=quantity))
    quote = Quote(
        id="CART",
        account="WEB",
        currency=CURRENCY,
        price_book=PRICE_BOOK.id,
        quote_date=on,
        lines=lines,
    )
    priced = price_quote(quote, CATALOG, PRICE_BOOK, promotions=PROMOTIONS, tax=VAT)
    receipt_lines = tuple(
        ReceiptLine(
            sku=line.sku,
            name=CATALOG[line.sku].name,
            quantity=int(line.quantity),
            unit_price=line.list_unit_price,
            # prices include VAT, so list less discounts is the gross
            discount=line.list_total - line.gross_total,
            amount=line.gross_total,
            tax=line.tax,
            promotions=tuple((a.source or a.kind, a.amount) for a in line.adjustments if a.amount),
        )
        for line in priced.lines
    )
    totals = priced.totals
    return Receipt(
        day=on,
        lines=receipt_lines,
        gross_total=totals.gross,
        tax_total=totals.tax,
        savings=totals.discount,
        priced=priced,
    )


def main() -> None:
    print(checkout({"MUG": 3, "TEE": 1, "NOVEL": 2}, on=dt.date.today()))


# ---------------------------------------------------------------- self-check


def test_both_promotions_and_vat_by_hand() -> None:
    receipt = checkout({"MUG": 3, "TEE": 1, "NOVEL": 2}, on=dt.date(2027, 3, 1))
    mug, tee, novel = receipt.lines
    # 3 mugs at 8.90 = 26.70; the cheapest is free: 17.80
    assert (mug.amount, mug.discount, mug.promotions) == (
        Decimal("17.80"),
        Decimal("8.90"),
        (("3-MUGS-FOR-2", Decimal("8.90")),),
    )
    # no promotion on shirts
    assert (tee.amount, tee.discount, tee.promotions) == (Decimal("19.00"), Decimal("0.00"), ())
    # 2 books at 12.50 = 25.00, 10 % off: 22.50
    assert (novel.amount, novel.promotions) == (Decimal("22.50"), (("BOOKS-10", Decimal("2.50")),))
    # VAT included, per line, half up: 17.80 x 20 / 120 = 2.966.. -> 2.97,
    # 19.00 x 20 / 120 = 3.166.. -> 3.17, 22.50 x 5.5 / 105.5 = 1.172.. -> 1.17
    assert [line.tax for line in receipt.lines] == [
        Decimal("2.97"),
        Decimal("3.17"),
        Decimal("1.17"),
    ]
    assert receipt.gross_total == eur("59.30")  # 17.80 + 19.00 + 22.50
    assert receipt.tax_total == eur("7.31")  # 2.97 + 3.17 + 1.17
    assert receipt.savings == eur("11.40")  # 8.90 + 2.50


def test_promotions_need_their_condition() -> None:
    # 2 mugs and 1 book meet neither condition: list prices, VAT still included
    receipt = checkout({"MUG": 2, "NOVEL": 1}, on=dt.date(2027, 3, 1))
    assert receipt.gross_total == eur("30.30")  # 2 x 8.90 + 12.50
    assert receipt.savings == eur("0.00")
    assert all(not line.promotions for line in receipt.lines)


def test_receipt_text_adds_up() -> None:
    text = str(checkout({"MUG": 3, "TEE": 1, "NOVEL": 2}, on=dt.date(2027, 3, 1)))
    assert text.splitlines()[0] == "Receipt 2027-03-01"
    assert "3-MUGS-FOR-2" in text
    assert text.splitlines()[-2].split() == ["Total", "59.30"]


def test_bad_carts_name_the_line() -> None:
    import pytest  # only the self-check needs it

    with pytest.raises(UnknownProductError) as info:
        checkout({"MUG": 1, "LAMP": 1}, on=dt.date(2027, 3, 1))
    assert info.value.path == "lines[1].sku"
    with pytest.raises(ValidationError) as info:
        checkout({"MUG": 0}, on=dt.date(2027, 3, 1))
    assert info.value.path == "cart['MUG']"


if __name__ == "__main__":
    main()
