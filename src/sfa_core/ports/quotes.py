"""The quote repository: quotes by id, filterable by account and status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from sfa_core.ports.versioned import VersionedRepository

if TYPE_CHECKING:
    # Only annotations use them: importing the ports must not import the quotes
    # (and the pricing they pull in).
    import sfa_core.quotes.model  # noqa: F401 (named in the base class below)
    from sfa_core.quotes.model import Quote, QuoteStatus

__all__ = ["QuoteRepository"]


@runtime_checkable
class QuoteRepository(VersionedRepository["sfa_core.quotes.model.Quote"], Protocol):
    """Stores :class:`~sfa_core.quotes.Quote` values by id.

    The same rules as :class:`ProductRepository` apply, with ``id`` as the key
    and ``"quote"`` as the ``kind`` of its errors. A quote is stored whole: its
    lines, groups, dates, discounts and custom fields all come back equal.
    Prove an implementation with
    :class:`~sfa_core.testing.contracts.QuoteRepositoryContract`.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.quotes import Quote, QuoteLine, QuoteStatus
        >>> quotes = MemoryStore().quotes
        >>> isinstance(quotes, QuoteRepository)
        True
        >>> draft = quotes.add(Quote(id="Q-1", account="ACME", currency="EUR",
        ...                          price_book="EU", quote_date=dt.date(2027, 3, 1),
        ...                          lines=[QuoteLine(key="L1", sku="A-1", quantity=40)]))
        >>> in_review = quotes.update(draft.transition(QuoteStatus.IN_REVIEW))
        >>> in_review.version, [q.id for q in quotes.list(account="ACME", status="in_review")]
        (2, ['Q-1'])
        >>> quotes.delete("Q-1", expected_version=2)
        >>> quotes.list()
        []
    """

    def get(self, quote_id: str) -> Quote:
        """Return the stored quote ``quote_id``.

        Args:
            quote_id: The key of the quote.

        Returns:
            The quote as last stored (lines, groups, dates, discounts, custom
            fields and every other field equal to what was written), with its
            current ``version``.

        Raises:
            NotFoundError: No such quote is stored (``kind="quote"``,
                ``key=quote_id``).
        """
        ...

    def list(
        self, *, account: str | None = None, status: QuoteStatus | str | None = None
    ) -> list[Quote]:
        """Return the stored quotes, sorted by id, optionally filtered.

        Args:
            account: Keep only quotes whose ``account`` equals this exactly;
                ``None`` keeps all.
            status: Keep only quotes in this status: a
                :class:`~sfa_core.quotes.QuoteStatus` member or its string value
                (``"in_review"``); ``None`` keeps all.

        Returns:
            A new list of the matching quotes (all filters must hold), in
            ascending string order of ``id``; empty when none match.

        Raises:
            ValidationError: ``status`` is neither a ``QuoteStatus`` nor the
                value of one (``path="status"``).
        """
        ...

    def add(self, quote: Quote) -> Quote:
        """Store a new quote.

        Args:
            quote: The quote to store; its ``version`` is ignored.

        Returns:
            The stored quote, ``quote`` with ``version == 1``.

        Raises:
            AlreadyExistsError: A quote with this id is stored already; the
                stored one is left unchanged.
        """
        ...

    def update(self, quote: Quote) -> Quote:
        """Replace the stored quote, if nobody changed it since it was read.

        ``quote.version`` is the expected version; every successful update
        increments the version, even when no field changed.

        Args:
            quote: The new value, carrying the version it was read at.

        Returns:
            The stored quote, ``quote`` with ``version`` one higher.

        Raises:
            NotFoundError: No quote with this id is stored.
            ConcurrencyError: The stored version is not ``quote.version``
                (``expected_version`` is ``quote.version``, ``actual_version``
                the stored one); nothing is changed.
        """
        ...

    def delete(self, quote_id: str, *, expected_version: int) -> None:
        """Delete the quote if its stored version is ``expected_version``.

        Args:
            quote_id: The key of the quote.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: No such quote is stored.
            ConcurrencyError: The stored version is not ``expected_version``;
                nothing is deleted.
        """
        ...
