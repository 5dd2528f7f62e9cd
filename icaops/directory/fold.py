"""The directory fold: one handler per event type, `(state, event, deadlines) -> (state, errors)`.

Events (docs/scenarios.md, "Directory listings"): `directory.method_chosen`,
`directory.close_announced`, `listing.submitted` (by LSR or DSR; a stand-alone DSR derives the
priced `dsr.submitted`), `annual_file.intent_noticed`, `annual_file.submitted`,
`galley.provided`, `directory.galley_requested` (beyond the free galleys it derives the priced
`galley.requested` with `additional: true`) and `galley.corrections_submitted`. Every date
rule is a deadline of the terms, applied through `Deadlines`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from ..calendar.deadlines import Deadlines
from ..relationship.events import Event
from .errors import Code, DirectoryError, directory_error
from .model import AnnualFile, Book, Correction, DirectoryState, Galley, Listing, MethodChoice

__all__ = ["ACTIONS", "DIRECTORY_EVENTS", "VIAS", "fold", "listing_key"]

Outcome = tuple[DirectoryState, tuple[DirectoryError, ...]]
Handler = Callable[[DirectoryState, Event, Deadlines], Outcome]

ACTIONS: tuple[str, ...] = ("add", "change", "delete")
"""What a listing request does (VII.2.e: an addition to, a change in or a deletion of Listing Information)."""
VIAS: tuple[str, ...] = ("lsr", "dsr")
"""How a listing request is sent (VII.2.a): on an LSR, or as a stand-alone DSR."""
LSR_DSR, ANNUAL_FILE = "lsr_dsr", "annual_file"


def listing_key(account: str, wtn: str) -> str:
    """The key of one end user's listing in the state."""
    return f"{account}/{wtn}"


def _missing(e: Event, *fields: str) -> tuple[DirectoryError, ...]:
    for name in fields:
        if e.get(name) in (None, ""):
            return (directory_error(Code.FIELD_MISSING, e, name, "this field to be present"),)
    return ()


def _refuse(state: DirectoryState, err: DirectoryError) -> Outcome:
    return replace(state, refused=MappingProxyType({**state.refused, err.event: err})), (err,)


def _date(e: Event, name: str) -> dt.date | None:
    value = e.get(name)
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value if isinstance(value, dt.date) else None


def _emit(state: DirectoryState, e: Event, etype: str, **data: object) -> DirectoryState:
    derived = Event(f"{e.id}:{etype}", e.date, etype, tuple(sorted(data.items())), seq=e.seq)
    return replace(state, emitted=state.emitted + (derived,))


def _method_chosen(state: DirectoryState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "method"):
        return state, err
    account, method = str(e.get("account")), str(e.get("method"))
    methods = dl.terms.directory.listing_methods
    if method not in methods.value:
        return state, (directory_error(Code.METHOD_INVALID, e, "method", f"one of {', '.join(methods.value)} (VII.7)"),)
    earlier = [m for m in state.methods if m.account == account]
    effective = _date(e, "effective") or e.date
    if earlier:
        if e.get("effective") is None:
            return state, (
                directory_error(Code.FIELD_MISSING, e, "effective", "the date the change of method is to take effect"),
            )
        latest = dl.rule("directory_method_change_notice", effective, "desired effective date of the change")
        if e.date > latest.value:
            expected = f"notice received by {latest.value.isoformat()} for a change effective {effective.isoformat()}"
            return _refuse(
                state,
                directory_error(Code.METHOD_CHANGE_NOTICE_LATE, e, "effective", expected, latest.steps[0].clause or ""),
            )
    choice = MethodChoice(account, method, e.date, effective)
    return replace(state, methods=state.methods + (choice,)), ()


def _close_announced(state: DirectoryState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "directory", "close"):
        return state, err
    book = Book(str(e.get("directory")), _date(e, "close") or e.date, e.date)
    return replace(state, books=MappingProxyType({**state.books, book.directory: book})), ()


def _needs(state: DirectoryState, e: Event, account: str, wanted: str) -> DirectoryError | None:
    """The refusal when the account's listing method on the event's date is not `wanted` (VII.7)."""
    choice = state.method_on(account, e.date)
    if choice is None:
        return directory_error(
            Code.METHOD_NOT_CHOSEN, e, "account", f"{account} to have chosen LSR/DSR or an annual data file", "VII.7"
        )
    if choice.method == wanted:
        return None
    code = Code.METHOD_IS_ANNUAL_FILE if choice.method == ANNUAL_FILE else Code.METHOD_IS_LSR_DSR
    return directory_error(
        code,
        e,
        "account",
        f"{account} uses {choice.method} since {choice.effective.isoformat()}: for all directory markets Granite must choose either method",
        "VII.7",
    )


def _listing(state: DirectoryState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "wtn", "action", "via"):
        return state, err
    account, wtn, action, via = (str(e.get(k)) for k in ("account", "wtn", "action", "via"))
    if action not in ACTIONS:
        return state, (directory_error(Code.ACTION_INVALID, e, "action", f"one of {', '.join(ACTIONS)}"),)
    if via not in VIAS:
        return state, (directory_error(Code.VIA_INVALID, e, "via", f"one of {', '.join(VIAS)}"),)
    if refusal := _needs(state, e, account, LSR_DSR):
        return _refuse(state, refusal)
    key = listing_key(account, wtn)
    current = state.listings.get(key)
    if action == "add" and current is not None and current.active:
        return _refuse(
            state,
            directory_error(
                Code.LISTING_EXISTS,
                e,
                "wtn",
                f"no listing of {wtn} on file (it is listed since {current.since.isoformat()}); use action change",
                "VII.2.e",
            ),
        )
    if action != "add" and (current is None or not current.active):
        return _refuse(
            state, directory_error(Code.LISTING_UNKNOWN, e, "wtn", f"a listing of {wtn} on file to {action}", "VII.2.e")
        )
    name = str(e.get("name") or (current.name if current else ""))
    since = e.date if action == "add" else current.since if current else e.date
    listing = Listing(account, wtn, name, via, action != "delete", since, e.id)
    state = replace(state, listings=MappingProxyType({**state.listings, key: listing}))
    # VIII: the DSR charge applies to a stand-alone submission; on an LSR only the LSR charge applies.
    return (_emit(state, e, "dsr.submitted", account=account, standalone=True) if via == "dsr" else state), ()


def _book(state: DirectoryState, e: Event) -> Book | DirectoryError:
    book = state.books.get(str(e.get("directory")))
    if book is None:
        known = ", ".join(state.books) or "none"
        return directory_error(
            Code.DIRECTORY_UNKNOWN, e, "directory", f"a directory whose close was announced (known: {known})"
        )
    return book


def _intent(state: DirectoryState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "directory", "submission"):
        return state, err
    book = _book(state, e)
    if isinstance(book, DirectoryError):
        return state, (book,)
    intent = AnnualFile(e.id, str(e.get("account")), book.directory, e.date, _date(e, "submission") or e.date)
    return replace(state, intents=state.intents + (intent,)), ()


def _annual_file(state: DirectoryState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "directory"):
        return state, err
    book = _book(state, e)
    if isinstance(book, DirectoryError):
        return state, (book,)
    account = str(e.get("account"))
    if refusal := _needs(state, e, account, ANNUAL_FILE):
        return _refuse(state, refusal)
    if e.date >= book.close:
        expected = f"the file before the close date of {book.directory}, {book.close.isoformat()}"
        return _refuse(state, directory_error(Code.AFTER_CLOSE, e, "date", expected, "VII.7.b.3"))
    latest = dl.rule("annual_file_intent_notice", e.date, "file submission")
    noticed = [
        i for i in state.intents if i.account == account and i.directory == book.directory and i.on <= latest.value
    ]
    if not noticed:
        expected = f"notice of intent to CenturyLink by {latest.value.isoformat()}"
        return _refuse(
            state, directory_error(Code.INTENT_NOTICE_LATE, e, "date", expected, latest.steps[0].clause or "")
        )
    # VII.7.b.6: there is no charge for the annual data file.
    return replace(state, files=state.files + (AnnualFile(e.id, account, book.directory, e.date, e.date),)), ()


def _galleys_of(state: DirectoryState, account: str, directory: str) -> tuple[Galley, ...]:
    return tuple(g for g in state.galleys if g.account == account and g.directory == directory)


def _galley_provided(state: DirectoryState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "directory"):
        return state, err
    book = _book(state, e)
    if isinstance(book, DirectoryError):
        return state, (book,)
    galley = Galley(e.id, str(e.get("account")), book.directory, e.date, False)
    return replace(state, galleys=state.galleys + (galley,)), ()


def _galley_requested(state: DirectoryState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "directory", "desired"):
        return state, err
    book = _book(state, e)
    if isinstance(book, DirectoryError):
        return state, (book,)
    account, desired = str(e.get("account")), _date(e, "desired") or e.date
    # VII.3.g, VII.8: galleys only of listings CenturyLink maintains (the LSR/DSR method)
    if refusal := _needs(state, e, account, LSR_DSR):
        return _refuse(state, refusal)
    latest = dl.rule("additional_galley_request", desired, "desired galley date")
    if e.date > latest.value:
        expected = f"the request by {latest.value.isoformat()} for a galley on {desired.isoformat()}"
        return _refuse(
            state, directory_error(Code.GALLEY_REQUEST_LATE, e, "desired", expected, latest.steps[0].clause or "")
        )
    free = dl.terms.directory.free_galleys_per_directory
    charged = len(_galleys_of(state, account, book.directory)) >= free.value
    state = replace(state, galleys=state.galleys + (Galley(e.id, account, book.directory, e.date, charged),))
    return (_emit(state, e, "galley.requested", account=account, additional=True) if charged else state), ()


def _corrections(state: DirectoryState, e: Event, dl: Deadlines) -> Outcome:
    if err := _missing(e, "account", "directory", "share"):
        return state, err
    book = _book(state, e)
    if isinstance(book, DirectoryError):
        return state, (book,)
    try:
        share = Decimal(str(e.get("share")))
    except InvalidOperation:
        return state, (directory_error(Code.FIELD_MISSING, e, "share", 'a fraction of the listings, e.g. "0.05"'),)
    due = dl.galley_corrections_by(book.close, share)
    if e.date > due.value:
        expected = f"corrections by {due.value.isoformat()}; the Galley Proofs are deemed correct"
        return _refuse(state, directory_error(Code.CORRECTIONS_LATE, e, "date", expected, due.steps[-1].clause or ""))
    fix = Correction(e.id, str(e.get("account")), book.directory, e.date, share)
    return replace(state, corrections=state.corrections + (fix,)), ()


DIRECTORY_EVENTS: Mapping[str, Handler] = MappingProxyType(
    {
        "directory.method_chosen": _method_chosen,
        "directory.close_announced": _close_announced,
        "listing.submitted": _listing,
        "annual_file.intent_noticed": _intent,
        "annual_file.submitted": _annual_file,
        "galley.provided": _galley_provided,
        "directory.galley_requested": _galley_requested,
        "galley.corrections_submitted": _corrections,
    }
)
"""One handler per directory event type."""


def fold(events: tuple[Event, ...], dl: Deadlines) -> tuple[DirectoryState, tuple[DirectoryError, ...]]:
    """The directory state after the events (in log order) and every error; events of other domains are skipped."""
    state = DirectoryState()
    errors: list[DirectoryError] = []
    for e in events:
        handler = DIRECTORY_EVENTS.get(e.type)
        if handler is not None:
            state, errs = handler(state, e, dl)
            errors.extend(errs)
    return state, tuple(errors)
