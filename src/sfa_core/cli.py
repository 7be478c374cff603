"""The ``sfa`` command line (also ``python -m sfa_core``).

Commands:

* ``sfa rules eval RULE.json DATA.json [--explain]``: evaluate a JSON Logic rule
  on a JSON document and print the result as JSON (with ``--explain``, the
  explanation tree too). Numbers with a fraction in DATA are read as exact
  decimals. Either file may be ``-`` to read it from standard input.
* ``sfa price INPUT.json [--explain]``: price a cart (or a quote) described by
  one JSON document (products, price books, items or a quote, and optionally
  promotions, price rules, schedules, tax and options; see :data:`PRICE_INPUT_KEYS`)
  and print the priced quote as JSON (with ``--explain``, its waterfalls, the
  promotions and the tax as text). Numbers with a fraction are read as exact
  decimals. ``-`` reads the document from standard input.
* ``sfa demo [--db PATH] [--force]``: run the quickstart story on SQLite. An
  existing database file is refused unless ``--force`` is given.
* ``sfa --version``: print the version of sfa_core.

A bad file or rule, or a result that cannot be printed, prints one clear line
on standard error and exits with 2; the command never prints a traceback. When
standard output is closed early (``sfa demo | head -1``), it stops quietly.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sfa_core import __version__
from sfa_core.errors import AlreadyExistsError, SfaError, ValidationError, _shown

__all__ = ["PRICE_INPUT_KEYS", "main"]

EXIT_USAGE = 2
#: What a shell reports for a command stopped by SIGPIPE (128 + 13).
EXIT_BROKEN_PIPE = 141
STDIN = "-"


class _CliError(Exception):
    """A problem with the command's input, reported on one line."""


def _read_text(path: str, label: str) -> str:
    """Read a whole file (or standard input for ``-``) as strict UTF-8."""
    try:
        if path == STDIN:
            buffer = getattr(sys.stdin, "buffer", None)
            raw: bytes | str = buffer.read() if buffer is not None else sys.stdin.read()
        else:
            with open(path, "rb") as handle:
                raw = handle.read()
        return raw if isinstance(raw, str) else raw.decode("utf-8")
    except OSError as exc:
        raise _CliError(f"cannot read {label}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise _CliError(f"{label} is not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except ValueError as exc:  # a path no file can have ("embedded null byte")
        raise _CliError(f"cannot read {label}: {exc}") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _read_json(path: str, what: str, *, exact: bool, constants: bool = True) -> Any:
    """Read a JSON file; ``exact`` reads fractions as Decimal, ``constants=False`` refuses NaN."""
    label = f"{what} from standard input" if path == STDIN else f"{what} file {_shown(path)}"
    text = _read_text(path, label)
    try:
        if not constants:
            return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        if exact:
            return json.loads(text, parse_float=Decimal)
        return json.loads(text)
    except RecursionError:
        raise _CliError(f"{label} is nested too deeply") from None
    except ValueError as exc:
        raise _CliError(f"{label} is not valid JSON: {exc}") from None


def _int_to_json(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # longer than sys.get_int_max_str_digits()
        digits = int(value.bit_length() * 0.30103) + 1
        raise _CliError(
            f"the result is an integer of about {digits} digits, too long to print"
        ) from None


class _Text(str):
    """Finished JSON text, as opposed to a string value still to be written."""


def _to_json(value: Any) -> str:
    r"""Write ASCII JSON with ``Decimal`` numbers printed exactly (``0.1`` stays ``0.1``).

    Args:
        value: A JSON-like value (``Decimal`` numbers allowed) or a value
            :mod:`sfa_core.serialization` can unstructure.

    Returns:
        The JSON text, ASCII only, so that any string (even a lone surrogate)
        can be printed.

    Raises:
        _CliError: An integer too long to convert to text.

    It works with a stack of its own, so any depth that could be read prints.

    >>> _to_json({"a": [Decimal("0.10"), "\u00e9\ud800", None, True, 7], "b": {}, "c": []})
    '{"a": [0.10, "\\u00e9\\ud800", null, true, 7], "b": {}, "c": []}'
    """
    parts: list[str] = []
    pending: list[Any] = [value]  # values still to write, and _Text to copy as it is
    while pending:
        item = pending.pop()
        if isinstance(item, _Text):
            parts.append(item)
        elif isinstance(item, Decimal):
            parts.append(str(item) if item.is_finite() else json.dumps(str(item)))
        elif isinstance(item, dict):
            pending.append(_Text("}"))
            for index, (key, member) in enumerate(reversed(item.items())):
                pending.append(member)
                separator = "" if index == len(item) - 1 else ", "
                pending.append(_Text(f"{separator}{json.dumps(str(key))}: "))
            parts.append("{")
        elif isinstance(item, (list, tuple)):
            pending.append(_Text("]"))
            for index, member in enumerate(reversed(item)):
                pending.append(member)
                if index != len(item) - 1:
                    pending.append(_Text(", "))
            parts.append("[")
        elif isinstance(item, int) and not isinstance(item, bool):
            parts.append(_int_to_json(item))
        elif item is None or isinstance(item, (str, float, bool)):
            parts.append(json.dumps(item))
        else:
            from sfa_core.serialization import unstructure

            pending.append(unstructure(item))
    return "".join(parts)


def _printable(text: str) -> str:
    r"""Escape what no encoder can write (lone surrogates) as ``\udxxx``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _rules_eval(args: argparse.Namespace) -> int:
    from sfa_core import rules
    from sfa_core.errors import RuleEvaluationError

    if args.rule == STDIN and args.data == STDIN:
        raise _CliError("only one of RULE.json and DATA.json can be read from standard input (-)")
    rule = _read_json(args.rule, "rule", exact=False)
    data = _read_json(args.data, "data", exact=True)
    compiled = rules.compile(rule)
    if not args.explain:
        print(_to_json(compiled.evaluate(data)))
        return 0
    explanation = compiled.explain(data)
    result = _to_json(explanation.result)
    try:
        tree = _printable(str(explanation))
    except ValueError:  # an integer too long for str()
        raise _CliError(
            "cannot render the explanation: it holds an integer too long to print"
        ) from None
    if explanation.failed:
        # Report the failure as evaluate() does: the failing node's path and error.
        node = explanation
        while failing := [child for child in node.children if child.failed]:
            node = failing[0]
        print(tree)
        raise RuleEvaluationError(node.error, path=node.path)
    print(result)
    print(tree)
    return 0


#: The keys of the input document of ``sfa price``, and what each holds. Values
#: are in the package's JSON form (:mod:`sfa_core.serialization`): amounts as
#: strings or numbers, dates in ISO 8601, enums by value; a missing key or
#: ``null`` means "none".
PRICE_INPUT_KEYS: dict[str, str] = {
    "products": "required: the catalog, a list of products",
    "price_books": "required: a list of price books",
    "items": "the cart: a list of {sku, quantity[, key]} objects or [sku, quantity] pairs",
    "quote": "instead of items: a quote, priced as it is",
    "price_book": "with items: the price book's id (default: the only one that fits)",
    "currency": "with items: the currency (default: the price book's)",
    "date": "with items: the pricing date, YYYY-MM-DD (default: today, in UTC)",
    "account": "with items: the account rule conditions see (default: anonymous)",
    "promotions": "a list of cart promotions",
    "promotion_usage": "times each promotion was already used, by promotion id",
    "rule_sets": "a list of price rule sets",
    "rules": "a list of loose price rules (one compounding set, after rule_sets)",
    "schedules": "a list of discount schedules the products name",
    "tax": "a rate tax policy: {rates: {category: percent}, prices_include_tax: ...}",
    "options": "pricing options (order switches and rounding)",
    "customer": "an object: what price rule conditions see as customer",
    "contracted_prices": "agreed unit prices: {sku: {amount, currency}}",
}
_CART_ONLY = ("price_book", "currency", "date", "account")


def _shown_keys(keys: Sequence[str]) -> str:
    """Up to five keys, each cut to 40 characters, so a hostile document prints briefly."""
    shown = [repr(key if len(key) <= 40 else key[:37] + "...") for key in keys[:5]]
    more = f" and {len(keys) - 5} more" if len(keys) > 5 else ""
    return ", ".join(shown) + more


def _field(doc: dict[str, Any], key: str, kind: Any) -> Any:
    """Structure ``doc[key]`` as ``kind`` (``None`` when absent or null), errors naming it."""
    from sfa_core.serialization import structure

    value = doc.get(key)
    if value is None:
        return None
    try:
        return structure(value, kind)
    except ValidationError as exc:
        path = f"{key}{exc.path}" if exc.path.startswith("[") else f"{key}.{exc.path}"
        text = str(exc)
        text = path + text[len(exc.path) :] if exc.path else f"{key}: {text}"
        raise _CliError(text) from None


def _price_document(doc: Any) -> Any:
    """Price what an input document of ``sfa price`` describes."""
    import datetime as dt

    from sfa_core.catalog import PriceBook, Product
    from sfa_core.money import Money
    from sfa_core.pricing import (
        DiscountSchedule,
        PriceRule,
        PricingOptions,
        Promotion,
        RateTaxPolicy,
        RuleSet,
    )
    from sfa_core.quotes import Quote, price_cart, price_quote

    if not isinstance(doc, dict):
        raise _CliError(
            "the input must be a JSON object with products, price_books and items "
            f"(or a quote), not a {type(doc).__name__}"
        )
    unknown = sorted(str(key) for key in doc if key not in PRICE_INPUT_KEYS)
    if unknown:
        raise _CliError(
            f"the input has unknown keys {_shown_keys(unknown)} "
            f"(known: {', '.join(PRICE_INPUT_KEYS)})"
        )
    for key in ("products", "price_books"):
        if doc.get(key) is None:
            raise _CliError(f"{key}: is required ({PRICE_INPUT_KEYS[key].split(': ', 1)[1]})")
    has_items, has_quote = doc.get("items") is not None, doc.get("quote") is not None
    if has_items and has_quote:
        raise _CliError("the input holds both items and a quote; give one of them")
    if not has_items and not has_quote:
        raise _CliError("items: is required (the cart), unless the input holds a quote")
    customer = doc.get("customer")
    if customer is not None and not isinstance(customer, dict):
        raise ValidationError("must be an object", path="customer", value=customer)
    rules = [
        *(_field(doc, "rule_sets", list[RuleSet]) or ()),
        *(_field(doc, "rules", list[PriceRule]) or ()),
    ]
    common: dict[str, Any] = {
        "rules": rules or None,
        "schedules": _field(doc, "schedules", list[DiscountSchedule]) or (),
        "contracted_prices": _field(doc, "contracted_prices", dict[str, Money]),
        "customer": customer,
        "promotions": _field(doc, "promotions", list[Promotion]) or (),
        "promotion_usage": _field(doc, "promotion_usage", dict[str, int]),
        "tax": _field(doc, "tax", RateTaxPolicy),
        "options": _field(doc, "options", PricingOptions),
    }
    products = _field(doc, "products", list[Product])
    books = _field(doc, "price_books", list[PriceBook])
    if has_quote:
        extra = [key for key in _CART_ONLY if doc.get(key) is not None]
        if extra:
            raise _CliError(f"{extra[0]}: only with items (a quote names its own)")
        quote = _field(doc, "quote", Quote)
        return price_quote(quote, products, books, **common)
    items = doc["items"]
    if not isinstance(items, list):
        raise ValidationError("must be a list of items", path="items", value=items)
    account = doc.get("account")
    return price_cart(
        items,
        products,
        books,
        price_book=doc.get("price_book"),
        currency=doc.get("currency"),
        on=_field(doc, "date", dt.date),
        **({} if account is None else {"account": account}),
        **common,
    )


def _explain_priced(priced: Any) -> str:
    """The waterfalls and totals, then the promotions that gave nothing, then the tax."""
    parts = [priced.explain()]
    promotions = priced.promotions
    if promotions is not None and not promotions.applied and promotions.skipped:
        parts.append(promotions.explain())  # explain() shows them only beside an applied one
    if priced.tax is not None:
        parts.append("tax")
        parts.extend(f"  {line}" for line in str(priced.tax).splitlines())
    return "\n".join(parts)


def _price(args: argparse.Namespace) -> int:
    doc = _read_json(args.input, "input", exact=True, constants=False)
    try:
        priced = _price_document(doc)
        text = _printable(_explain_priced(priced)) if args.explain else _to_json(priced)
    except ArithmeticError as exc:  # a computation beyond the supported precision
        raise _CliError(f"cannot price the input: {type(exc).__name__}") from None
    print(text)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from sfa_core.demo import main as run_demo

    try:
        run_demo(args.db, force=args.force)
    except AlreadyExistsError as exc:
        if exc.kind != "database file":
            raise
        raise _CliError(f"{exc}; pass --force to replace it") from None
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sfa", description="sfa_core: sales-force automation domain logic."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    rules_cmd = commands.add_parser("rules", help="work with JSON Logic rules")
    rules_sub = rules_cmd.add_subparsers(dest="rules_command", required=True)
    evaluate = rules_sub.add_parser("eval", help="evaluate RULE.json on DATA.json")
    evaluate.add_argument("rule", metavar="RULE.json", help="the rule (- for standard input)")
    evaluate.add_argument("data", metavar="DATA.json", help="the data (- for standard input)")
    evaluate.add_argument("--explain", action="store_true", help="print the explanation tree")
    evaluate.set_defaults(handler=_rules_eval)
    price = commands.add_parser(
        "price",
        help="price a cart or a quote described by INPUT.json",
        description=(
            "Price the cart (items) or the quote of one JSON document and print the "
            "priced quote as JSON (with --explain, as text). Numbers with a fraction "
            "are read as exact decimals."
        ),
        epilog="keys of the input document:\n"
        + "\n".join(f"  {key:<18}{what}" for key, what in PRICE_INPUT_KEYS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    price.add_argument("input", metavar="INPUT.json", help="the document (- for standard input)")
    price.add_argument(
        "--explain", action="store_true", help="print the waterfalls, promotions and tax as text"
    )
    price.set_defaults(handler=_price)
    demo = commands.add_parser("demo", help="run the quickstart story on SQLite")
    demo.add_argument("--db", default=None, help="database file (default: a temporary one)")
    demo.add_argument("--force", action="store_true", help="replace an existing database file")
    demo.set_defaults(handler=_demo)
    return parser


def _silence_stdout() -> None:
    """After a broken pipe, send what is still buffered for stdout to devnull.

    Only the process's own standard output is redirected (a replaced
    ``sys.stdout``, as in tests, is left alone), so that the interpreter's last
    flush at exit does not fail again.
    """
    if sys.stdout is not sys.__stdout__ or sys.stdout is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor to redirect
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments (``sys.argv[1:]`` when ``None``).

    Returns:
        The exit code (0 on success, 2 for bad input or a result that cannot be
        printed, 141 when standard output was closed early).

    >>> main(["rules", "eval", "no-such-rule.json", "data.json"])
    2
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (_CliError, SfaError) as exc:
        message = str(exc)
    except RecursionError:
        message = "the input is nested too deeply"
    except UnicodeError as exc:  # stdout cannot encode the output
        message = f"cannot write the output: {exc}"
    except OSError as exc:
        where = f": {exc.filename!r}" if exc.filename is not None else ""
        message = f"{exc.strerror or exc}{where}"
    else:
        return code
    one_line = " ".join(_printable(message).splitlines())
    print(f"sfa: error: {one_line}", file=sys.stderr)
    return EXIT_USAGE
