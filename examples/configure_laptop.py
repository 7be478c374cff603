"""A laptop kit configured click by click, explained, completed at the lowest price and quoted.

The kit is a laptop with memory, graphics, a power supply, a care pack and a
dock, the dock being a nested bundle with its own cable. After a click the
configurator says what is forced and what can still be chosen; it explains a
forced option, names the choices behind a conflict and how to repair it,
completes the configuration at the lowest list price, and turns it into quote
lines priced by :func:`sfa_core.quotes.price_quote` under an allocated bundle
price.

Run it with ``python examples/configure_laptop.py`` to print the walk-through;
importing it has no side effects. The checks below run under ``pytest``.

>>> state = configure(LAPTOP, Selections(options={"dgpu": True}))
>>> state.selected, dict(state.values)
(('laptop', 'r32', 'dgpu', 'p130'), {'colour': 'black'})
>>> explain(state, "r16").constraints[1].id
'dgpu-ram'
>>> cheapest = cheapest_completion(Selections(options={"dgpu": True, "dock": True}))
>>> cheapest.selected
('laptop', 'r32', 'dgpu', 'p130', 'dock', 'tb')
>>> price_lines(quote_lines(cheapest)).totals.net
Money(amount=Decimal('1699.00'), currency='EUR')
>>> walkthrough()[-1]
'  total                              1699.00 EUR'
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sfa_core.catalog import PriceBook, Product
from sfa_core.configure import (
    Attribute,
    Bundle,
    Compatibility,
    ConfigurationModel,
    ConfigurationState,
    Excludes,
    Feature,
    Option,
    ProductRule,
    Requires,
    SelectionAction,
    Selections,
    check_model,
    complete,
    configure,
    explain,
    repair,
)
from sfa_core.money import Money
from sfa_core.quotes import PricedQuote, Quote, QuoteLine, price_quote, to_quote_lines

CURRENCY = "EUR"


def eur(amount: str) -> Money:
    return Money(amount, CURRENCY)


LAPTOP = ConfigurationModel(
    root=Bundle(
        sku="LAPTOP-KIT",
        name="Laptop 14 kit",
        features=[
            Feature(
                id="base",
                name="Laptop",
                options=[Option(id="laptop", sku="LAPTOP-14", required=True)],
            ),
            Feature(
                id="ram",
                name="Memory",
                min_options=1,
                max_options=1,
                options=[
                    Option(id="r16", sku="RAM-16", selected=True),
                    Option(id="r32", sku="RAM-32"),
                ],
            ),
            Feature(
                id="gpu",
                name="Graphics",
                min_options=1,
                max_options=1,
                options=[
                    Option(id="igpu", sku="GPU-INT", selected=True),
                    Option(id="dgpu", sku="GPU-RTX"),
                ],
            ),
            Feature(
                id="psu",
                name="Power supply",
                min_options=1,
                max_options=1,
                options=[
                    Option(id="p65", sku="PSU-65", selected=True),
                    Option(id="p130", sku="PSU-130"),
                ],
            ),
            Feature(
                id="extras",
                name="Extras",
                options=[
                    Option(id="dock", sku="DOCK", bundle="DOCK", attributes={"colour": "black"}),
                    Option(
                        id="care",
                        sku="CARE",
                        name="Care pack (years)",
                        selected=True,
                        quantity_editable=True,
                        max_quantity=3,
                    ),
                ],
            ),
        ],
    ),
    bundles=[
        Bundle(
            sku="DOCK",
            name="Dock",
            features=[
                Feature(
                    id="cable",
                    name="Cable",
                    min_options=1,
                    max_options=1,
                    options=[
                        Option(id="usb", sku="CABLE-USB", selected=True),
                        Option(id="tb", sku="CABLE-TB"),
                    ],
                )
            ],
        )
    ],
    attributes=[
        Attribute(
            id="colour", name="Colour", values=["black", "silver"], product_attribute="colour"
        )
    ],
    constraints=[
        Requires(id="dgpu-ram", option="dgpu", needs=["r32"]),
        Requires(id="dgpu-psu", option="dgpu", needs=["p130"]),
        Compatibility(id="dgpu-black", option="dgpu", attribute="colour", values=["black"]),
        Excludes(
            id="tb-igpu",
            options=["tb", "igpu"],
            message="Thunderbolt docking needs the dedicated GPU",
        ),
    ],
    rules=[
        ProductRule(
            id="dock-65",
            kind="validation",
            message="the dock draws more than the 65 W supply gives",
            condition={"and": [{"var": "options.dock"}, {"var": "options.p65"}]},
        ),
        ProductRule(
            id="long-care",
            kind="alert",
            message="more than two years of care: quote the extended warranty",
            condition={">": [{"var": "options.care"}, 2]},
        ),
        ProductRule(
            id="dgpu-dock-tb",
            kind="selection",
            message="a dock with the dedicated GPU uses Thunderbolt",
            condition={"and": [{"var": "options.dock"}, {"var": "options.dgpu"}]},
            actions=[SelectionAction("add", "tb")],
        ),
        ProductRule(
            id="silver-16",
            kind="filter",
            message="the silver laptop comes with 16 GB only",
            condition={"==": [{"var": "attributes.colour"}, "silver"]},
            feature="ram",
            keep=["r16"],
        ),
    ],
)

# The kit itself is priced through its components, so its own entry is zero.
PRICE_BOOK = PriceBook(
    id="EU",
    currency=CURRENCY,
    entries={
        "LAPTOP-KIT": eur("0.00"),
        "LAPTOP-14": eur("899.00"),
        "RAM-16": eur("0.00"),
        "RAM-32": eur("150.00"),
        "GPU-INT": eur("0.00"),
        "GPU-RTX": eur("450.00"),
        "PSU-65": eur("0.00"),
        "PSU-130": eur("40.00"),
        "DOCK": eur("200.00"),
        "CABLE-USB": eur("15.00"),
        "CABLE-TB": eur("45.00"),
        "CARE": eur("90.00"),
    },
)

CATALOG = [Product(sku=sku, name=sku, family="hardware") for sku in PRICE_BOOK.entries]

# The price agreed for the whole kit, spread over its components.
BUNDLE_PRICE = eur("1699.00")


def cheapest_completion(choices: Selections) -> ConfigurationState:
    """Complete ``choices`` with the valid configuration of the lowest list price."""
    return complete(LAPTOP, choices, preference="cheapest", prices=PRICE_BOOK.entries)


def list_value(state: ConfigurationState) -> Decimal:
    """The list price of the options a configuration selects."""
    return sum(
        (
            PRICE_BOOK.entries[LAPTOP.option(option).sku].amount * quantity
            for option, quantity in state.quantities.items()
        ),
        Decimal(0),
    )


def quote_lines(state: ConfigurationState) -> tuple[QuoteLine, ...]:
    """The quote lines of a complete configuration, the bundle price spread over them."""
    return to_quote_lines(
        state, pricing="allocated", bundle_price=BUNDLE_PRICE, list_prices=PRICE_BOOK.entries
    )


def price_lines(lines: tuple[QuoteLine, ...]) -> PricedQuote:
    """Price the lines as a quote of their own."""
    quote = Quote(
        id="Q-LAPTOP",
        account="ACME",
        currency=CURRENCY,
        price_book=PRICE_BOOK.id,
        quote_date=dt.date(2027, 3, 1),
        lines=lines,
    )
    return price_quote(quote, CATALOG, PRICE_BOOK)


def describe(state: ConfigurationState) -> list[str]:
    """The state of one click in words."""
    forced_on = [option for option, on in state.forced.items() if on]
    forced_off = [option for option, on in state.forced.items() if not on]
    values = ", ".join(f"{key} = {value}" for key, value in state.values.items())
    return [
        f"  status:     {state.status.value}",
        f"  selected:   {', '.join(state.selected) or '-'}",
        f"  forced on:  {', '.join(forced_on) or '-'}",
        f"  forced off: {', '.join(forced_off) or '-'}",
        f"  selectable: {', '.join(state.selectable) or '-'}",
        f"  values:     {values or '-'}",
    ]


def walkthrough() -> list[str]:
    """Configure, explain, repair, complete and quote the laptop; the lines to print."""
    check_model(LAPTOP)  # a model with no valid configuration would fail here
    out = ["Start"]
    out += describe(configure(LAPTOP))

    state = configure(LAPTOP, Selections(options={"dgpu": True}))
    out += ["", "Click: the dedicated GPU (dgpu)"]
    out += describe(state)
    out += ["", "Why is r16 no longer offered?", explain(state, "r16").text()]

    clash = Selections(options={"dgpu": True}, attributes={"colour": "silver"})
    invalid = configure(LAPTOP, clash)
    out += ["", "Click: colour silver as well", f"  status: {invalid.status.value}"]
    for conflict in invalid.conflicts:
        out.append(f"  conflict: {', '.join(conflict.choices)}")
        out += [f"    - {ref.text} [{ref.id}]" for ref in conflict.constraints]
    for proposal in repair(LAPTOP, clash):
        out.append(f"  repair: drop {', '.join(proposal)}")

    choices = Selections(options={"dgpu": True, "dock": True})
    out += ["", "Add the dock, then complete the configuration"]
    by_default = complete(LAPTOP, choices)
    done = cheapest_completion(choices)
    for label, completed in (("by the defaults", by_default), ("at the lowest price", done)):
        out.append(
            f"  {label + ':':<21}{', '.join(completed.selected)}"
            f" ({list_value(completed)} {CURRENCY} at list)"
        )

    lines = quote_lines(done)
    priced = price_lines(lines)
    out += ["", f"Quote at the bundle price of {BUNDLE_PRICE.amount} {CURRENCY}"]
    parents = {line.key: line.parent for line in lines}
    for line in priced.lines:
        parent = f"  (in {parents[line.key]})" if parents[line.key] else ""
        out.append(
            f"  {line.key:<19} {line.quantity:>2} x {line.net_unit_price:>7}"
            f" = {line.net_total:>7}{parent}"
        )
    out.append(f"  {'total':<34}{priced.totals.net.amount:>8} {CURRENCY}")
    return out


def main() -> None:
    print("\n".join(walkthrough()))


if __name__ == "__main__":
    main()
