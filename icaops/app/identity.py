"""Identity and access (issue 12 §3): organisations, users and their passwords, API tokens, who
a request acts as, what it may do, and how often (VI.13.2).

Every write is recorded in the audit log in the same transaction, with the acting user (`by`;
without one, the operator running the command line: the OS user or $ICAOPS_ACTOR) and, in the
detail, the actor's organisation, role and token (the authorisation reference).
Passwords are kept as argon2id hashes; a token's secret only as its sha256. Nothing here keeps
state between calls: any worker on the same database answers the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from ..identity import (
    ALL_PERMISSIONS,
    ORG_KINDS,
    PERMISSIONS,
    ROLE_ORG_KIND,
    ROLES,
    Actor,
    Organisation,
    OrgKind,
    RateDecision,
    Role,
    TokenInfo,
    User,
    decide,
    window_start,
)
from ..store import identity as stored
from ..store import writing
from ..store.audit import record
from ..terms.schema import Terms
from . import clock
from .audit import audit
from .errors import UserError

__all__ = [
    "LAST_USED_EVERY",
    "MIN_PASSWORD_CHARS",
    "PORTAL_SESSION",
    "TOKEN_PATTERN",
    "RateDecision",
    "TokenInfo",
    "actor_name",
    "assign_account",
    "audit_by",
    "authenticate",
    "authorise",
    "check_rate",
    "create_organisation",
    "create_user",
    "disable_user",
    "find_user",
    "issue_token",
    "list_organisations",
    "list_tokens",
    "list_users",
    "login",
    "may_manage",
    "revoke_token",
]

MIN_PASSWORD_CHARS = 12  # NIST SP 800-63B asks at least 8; 12 is the system's floor
MAX_PASSWORD_CHARS = 1024  # a bound on the work one login can ask of the hasher
# icaops_<16 hex: the token's id>_<the secret: secrets.token_urlsafe(32), 43 characters>
TOKEN_PATTERN = re.compile(r"icaops_([0-9a-f]{16})_([A-Za-z0-9_-]{43,})")
TOKEN_FORMAT = "Bearer icaops_<id>_<secret>"
LAST_USED_EVERY = dt.timedelta(minutes=1)  # a token's last use is written at most this often
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ACTOR_MAX = 100  # the audit log's actor column
EMAIL_MAX = 254  # RFC 5321's longest forward path, less its angle brackets; the users.email column
UNAUTHORIZED = "the token is unknown, revoked or expired, or its user is disabled"

# argon2id with argon2-cffi's defaults (RFC 9106's second recommended profile: 64 MiB, t=3, p=4).
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash of no one's password, verified for an unknown e-mail so that timing does not tell
    whether the e-mail exists."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


# -- the audit log ----------------------------------------------------------------------------


def actor_name(by: Actor | None) -> str | None:
    """How the audit log names `by` (its e-mail), or None for the operator at the command line."""
    return None if by is None else by.email[:ACTOR_MAX]


def _actor_detail(by: Actor | None) -> dict[str, Any]:
    if by is None:
        return {}
    return {"org": by.org_id, "role": by.role, "token": by.token_id}


def audit_by(
    engine: Engine, by: Actor | None, action: str, subject: str, detail: Mapping[str, Any] | None = None
) -> None:
    """Record that `by` did `action` on `subject` (e.g. a read of customer information), with its
    organisation, role and token in the detail."""
    audit(engine, action, subject, {**_actor_detail(by), **(detail or {})}, actor=actor_name(by))


def _record(conn: Connection, by: Actor | None, action: str, subject: str, at: dt.datetime, **detail: Any) -> None:
    record(conn, action, subject, detail={**_actor_detail(by), **detail}, at=at, actor=actor_name(by))


# -- who may manage whom ----------------------------------------------------------------------


def _check_manages(by: Actor | None, org_id: str) -> None:
    """`by` may manage the users of `org_id`: its own organisation's with users.manage, or any
    organisation's when it is CenturyLink's (it onboards the CLECs). None: the operator."""
    if by is None:
        return
    authorise(by, "users.manage")
    if not may_manage(by, org_id):
        raise UserError(f"no organisation {org_id!r}", code="not_found", field="org")


def may_manage(by: Actor, org_id: str) -> bool:
    """Whether `by` manages the users and tokens of organisation `org_id`: with users.manage,
    its own organisation's, or any organisation's when `by` is CenturyLink's."""
    return by.may("users.manage") and (by.org_id == org_id or by.org_kind == "ilec")


# -- organisations ----------------------------------------------------------------------------


def create_organisation(
    engine: Engine,
    id: str,
    kind: OrgKind,
    name: str,
    ocn: str | None = None,
    ccna: str | None = None,
    accounts: Iterable[str] = (),
    *,
    by: Actor | None = None,
    now: dt.datetime | None = None,
) -> Organisation:
    """Add an organisation: CenturyLink (`ilec`), a CLEC with its OCN and CCNA (III.13.1) and
    billing accounts, or an auditor. Only CenturyLink's user managers (or the operator) add one."""
    if by is not None:
        authorise(by, "users.manage")
        if by.org_kind != "ilec":
            raise UserError("only CenturyLink adds organisations", code="forbidden")
    owned = tuple(accounts)
    _check_id(id, "id")
    if kind not in ORG_KINDS:
        raise UserError(f"kind {kind!r}: expected one of {', '.join(ORG_KINDS)}", field="kind")
    if not name.strip() or len(name) > 300:
        raise UserError("name: expected the organisation's name (1 to 300 characters)", field="name")
    for value, field in ((ocn, "ocn"), (ccna, "ccna")):
        if value is not None and not re.fullmatch(r"[A-Za-z0-9]{1,8}", value):
            raise UserError(f"{field} {value!r}: expected 1 to 8 letters or digits (III.13.1)", field=field)
    if owned and kind != "clec":
        raise UserError(f"organisation {id}: only a CLEC owns billing accounts, not a {kind}", field="accounts")
    for account in owned:
        _check_id(account, "account")
    at = now or clock.now()
    with writing(engine) as conn:
        if stored.load_organisation(conn, id) is not None:
            raise UserError(f"organisation {id!r} exists already", code="conflict", field="id")
        _refuse_owned(conn, owned)
        stored.insert_organisation(conn, id, kind, name.strip(), ocn, ccna, at)
        stored.add_accounts(conn, id, owned)
        _record(conn, by, "organisation.created", id, at, kind=kind, name=name.strip(), accounts=sorted(owned))
        created = stored.load_organisation(conn, id)
    assert created is not None
    return created


def _check_id(value: str, field: str) -> None:
    if not ID_PATTERN.fullmatch(value):
        raise UserError(
            f"{field} {value!r}: expected 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
            field=field,
        )


def _refuse_owned(conn: Connection, accounts: Iterable[str]) -> None:
    """A billing account belongs to one CLEC organisation."""
    owners = stored.owners_of(conn, accounts)
    if owners:
        account = min(owners)
        raise UserError(
            f"account {account} belongs to organisation {owners[account]} already", code="conflict", field="account"
        )


def assign_account(
    engine: Engine, org_id: str, account_id: str, *, by: Actor | None = None, now: dt.datetime | None = None
) -> Organisation:
    """Give a billing account (an event-log tenant) to a CLEC organisation; an account belongs
    to one organisation."""
    if by is not None:
        authorise(by, "users.manage")
        if by.org_kind != "ilec":
            raise UserError("only CenturyLink assigns billing accounts", code="forbidden")
    _check_id(account_id, "account")
    at = now or clock.now()
    with writing(engine) as conn:
        org = _organisation(conn, org_id)
        if org.kind != "clec":
            raise UserError(f"organisation {org_id}: only a CLEC owns billing accounts, not a {org.kind}")
        _refuse_owned(conn, (account_id,))
        stored.add_accounts(conn, org_id, (account_id,))
        _record(conn, by, "organisation.account_assigned", org_id, at, account=account_id)
        return _organisation(conn, org_id)


def _organisation(conn: Connection, org_id: str) -> Organisation:
    org = stored.load_organisation(conn, org_id)
    if org is None:
        raise UserError(f"no organisation {org_id!r}", code="not_found", field="org")
    return org


def list_organisations(engine: Engine) -> tuple[Organisation, ...]:
    """Every organisation with its billing accounts, by id."""
    with engine.connect() as conn:
        return stored.load_organisations(conn)


# -- users ------------------------------------------------------------------------------------


def _email(email: str) -> str:
    normal = email.strip().lower()
    if len(normal) > EMAIL_MAX or not EMAIL_PATTERN.fullmatch(normal):
        raise UserError(f"e-mail {email!r}: expected an address such as ops@example.com", field="email")
    return normal


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(
            f"password: too weak; expected at least {MIN_PASSWORD_CHARS} characters, got {len(password)}",
            field="password",
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise UserError(f"password: expected at most {MAX_PASSWORD_CHARS} characters", field="password")


def create_user(
    engine: Engine,
    org_id: str,
    email: str,
    name: str,
    role: Role,
    password: str,
    *,
    by: Actor | None = None,
    now: dt.datetime | None = None,
) -> User:
    """Add a user with one role fitting the organisation's kind (a CLEC's roles to a CLEC...);
    the password (at least `MIN_PASSWORD_CHARS` characters) is kept only as its argon2 hash."""
    _check_manages(by, org_id)
    address = _email(email)
    if role not in ROLES:
        raise UserError(f"role {role!r}: expected one of {', '.join(ROLES)}", field="role")
    if not name.strip() or len(name) > 300:
        raise UserError("name: expected the user's name (1 to 300 characters)", field="name")
    _check_password(password)
    at = now or clock.now()
    password_hash = _HASHER.hash(password)
    user_id = secrets.token_hex(8)
    with writing(engine) as conn:
        org = _organisation(conn, org_id)
        if ROLE_ORG_KIND[role] != org.kind:
            raise UserError(
                f"role {role}: a role of an organisation of kind {ROLE_ORG_KIND[role]}; {org_id} is of kind "
                f"{org.kind} (expected one of {', '.join(_roles_of(org.kind))})",
                field="role",
            )
        if stored.user_by_email(conn, address) is not None:
            raise UserError(f"a user with e-mail {address} exists already", code="conflict", field="email")
        try:
            with conn.begin_nested():
                stored.insert_user(conn, user_id, org_id, org.kind, address, name.strip(), role, password_hash, at)
        except IntegrityError:  # the same e-mail added at the same moment by another worker
            raise UserError(f"a user with e-mail {address} exists already", code="conflict", field="email") from None
        _record(conn, by, "user.created", user_id, at, email=address, org_id=org_id, user_role=role)
    return User(user_id, org_id, address, name.strip(), role, False)


def find_user(engine: Engine, email: str) -> User:
    """The user with this e-mail (in any case)."""
    with engine.connect() as conn:
        user = stored.user_by_email(conn, email.strip().lower())
    if user is None:
        raise UserError(f"no user with e-mail {email.strip()!r}", code="not_found", field="email")
    return user


def disable_user(engine: Engine, user_id: str, *, by: Actor | None = None, now: dt.datetime | None = None) -> User:
    """Disable a user: no login, and none of its tokens is accepted from then on."""
    at = now or clock.now()
    with writing(engine) as conn:
        user = stored.load_user(conn, user_id)
        if user is None:
            raise UserError(f"no user {user_id!r}", code="not_found", field="user")
        _check_manages(by, user.org_id)
        stored.set_user_disabled(conn, user_id, at)
        _record(conn, by, "user.disabled", user_id, at, email=user.email)
        disabled = stored.load_user(conn, user_id)
    assert disabled is not None
    return disabled


def list_users(engine: Engine, org_id: str | None = None) -> tuple[User, ...]:
    """The users (of one organisation), by e-mail."""
    with engine.connect() as conn:
        return stored.load_users(conn, org_id)


# -- tokens -----------------------------------------------------------------------------------


def _scopes(scopes: frozenset[str] | None, role: Role, by: Actor | None) -> frozenset[str] | None:
    """The scopes a new token may have: known permissions of the user's role, and no more than
    the token of the actor issuing it has (a scoped token never makes a broader one)."""
    if scopes is not None:
        unknown = sorted(scopes - set(ALL_PERMISSIONS))
        if unknown:
            raise UserError(
                f"scopes: no permission {', '.join(unknown)}; expected some of {', '.join(ALL_PERMISSIONS)}",
                field="scopes",
            )
        if not scopes:
            raise UserError("scopes: expected at least one permission (or none given: the role's)", field="scopes")
        beyond = sorted(scopes - PERMISSIONS[role])
        if beyond:
            raise UserError(f"scopes: role {role} has no permission {', '.join(beyond)}", field="scopes")
    if by is not None and by.scopes is not None:
        wanted = PERMISSIONS[role] if scopes is None else scopes
        if not wanted <= by.scopes:
            raise UserError(
                f"scopes: the token acting has no permission {', '.join(sorted(wanted - by.scopes))}; "
                "a token cannot issue one broader than itself",
                code="forbidden",
                field="scopes",
            )
    return scopes


def issue_token(
    engine: Engine,
    user_id: str,
    name: str,
    scopes: frozenset[str] | None,
    expires_at: dt.datetime | None,
    now: dt.datetime,
    *,
    by: Actor | None = None,
    token_id: str | None = None,
) -> tuple[str, TokenInfo]:
    """A new API token of a user: its plaintext `icaops_<id>_<secret>`, returned this once and
    never stored, and what may be shown of it. `scopes` narrow the role's permissions (None:
    all of them); `expires_at` None: until revoked. `token_id` (16 hex digits) is the caller's
    when a request sent twice must issue one token (a form's one-time key): the second is a
    conflict naming the first, whose secret is not kept."""
    if not name.strip() or len(name) > 100:
        raise UserError("name: expected the token's name (1 to 100 characters)", field="name")
    if expires_at is not None and (expires_at.tzinfo is None or expires_at <= now):
        raise UserError(
            f"expires_at {expires_at.isoformat()}: expected a zone-aware time after {now.isoformat()}",
            field="expires_at",
        )
    if token_id is not None and not re.fullmatch(r"[0-9a-f]{16}", token_id):
        raise ValueError(f"token_id {token_id!r}: expected 16 hex digits")
    token_id = token_id or secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with writing(engine) as conn:
        user = stored.load_user(conn, user_id)
        if user is None:
            raise UserError(f"no user {user_id!r}", code="not_found", field="user")
        if by is None or by.user_id != user_id:
            _check_manages(by, user.org_id)
        if user.disabled:
            raise UserError(f"user {user.email} is disabled; no token is issued to it", field="user")
        granted = _scopes(scopes, user.role, by)
        token = TokenInfo(token_id, user_id, name.strip(), granted, now, expires_at, None, None)
        # The secret is 256 random bits: no one can guess it, so a fast hash (sha256) keeps it
        # as safe as a slow password hash would, and authentication stays one cheap lookup.
        try:
            with conn.begin_nested():
                stored.insert_token(conn, token, _sha256(secret))
        except IntegrityError:  # the same token id: the same request sent again
            raise UserError(
                f"token {token_id} was issued by this request already; its secret was shown then and is not kept "
                "(revoke the token and issue another if it was lost)",
                code="conflict",
                field="token",
                details={"token": token_id},
            ) from None
        _record(
            conn,
            by,
            "token.issued",
            token_id,
            now,
            user=user_id,
            email=user.email,
            name=token.name,
            scopes=None if granted is None else sorted(granted),
            expires_at=None if expires_at is None else expires_at.isoformat(),
        )
    return f"icaops_{token_id}_{secret}", token


def revoke_token(engine: Engine, token_id: str, by: Actor | None, *, now: dt.datetime | None = None) -> TokenInfo:
    """Revoke a token from now on: by its user, by a manager of its user's organisation, or
    (`by` None) by the operator. A token `by` may not see is not found."""
    at = now or clock.now()
    with writing(engine) as conn:
        found = stored.load_token(conn, token_id)
        if found is None:
            raise UserError(f"no token {token_id!r}", code="not_found", field="token")
        if by is not None and by.user_id != found.user.id and not may_manage(by, found.user.org_id):
            raise UserError(f"no token {token_id!r}", code="not_found", field="token")
        stored.revoke_token_row(conn, token_id, at)
        _record(conn, by, "token.revoked", token_id, at, user=found.user.id, email=found.user.email)
        revoked = stored.load_token(conn, token_id)
    assert revoked is not None
    return revoked.token


def list_tokens(engine: Engine, user_id: str) -> tuple[TokenInfo, ...]:
    """A user's tokens, oldest first, without their secrets (which are not kept)."""
    with engine.connect() as conn:
        return stored.load_tokens(conn, user_id)


# -- signing in -------------------------------------------------------------------------------


def _actor(
    conn: Connection,
    user: User,
    org_kind: OrgKind,
    token: TokenInfo | None = None,
    accounts: frozenset[str] | None = None,
) -> Actor:
    return Actor(
        user.id,
        user.email,
        user.org_id,
        org_kind,
        user.role,
        stored.accounts_of(conn, user.org_id) if accounts is None else accounts,
        None if token is None else token.id,
        None if token is None else token.scopes,
    )


def login(engine: Engine, email: str, password: str, now: dt.datetime) -> Actor:
    """The actor of a user signing in with e-mail and password (no token: the role's permissions).

    An unknown e-mail, a wrong password and a disabled user are one error, `unauthorized`; an
    unknown e-mail is verified against a dummy hash so that the time taken does not tell which."""
    refused = UserError("e-mail or password not accepted", code="unauthorized")
    address = email.strip().lower()
    with engine.connect() as conn:
        # No address longer than the stored ones (`_email`) is anyone's: not looked up, same work.
        user = stored.user_by_email(conn, address) if len(address) <= EMAIL_MAX else None
        password_hash = None if user is None else stored.password_hash_of(conn, user.id)
    if user is None or password_hash is None:
        _verify(_dummy_hash(), password)
    elif _verify(password_hash, password) and not user.disabled:
        return _signed_in(engine, user, password, password_hash, now)
    # Refused logins are recorded alike whether the e-mail is known or not: the same work.
    with writing(engine) as conn:
        _record(
            conn, None, "user.login_refused", "unknown" if user is None else user.id, now, email=address[:EMAIL_MAX]
        )
    raise refused


def _signed_in(engine: Engine, user: User, password: str, password_hash: str, now: dt.datetime) -> Actor:
    with writing(engine) as conn:
        if _HASHER.check_needs_rehash(password_hash):
            stored.set_password_hash(conn, user.id, _HASHER.hash(password))
        org = _organisation(conn, user.org_id)
        actor = _actor(conn, user, org.kind)
        _record(conn, actor, "user.login", user.id, now)
    return actor


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password[:MAX_PASSWORD_CHARS])
    except (VerificationError, InvalidHashError):
        return False


PORTAL_SESSION = "portal session"
"""The name of the tokens that are portal sessions (icaops/app/sessions.py): such a token is a
cookie of the portal, never a Bearer token of the API, and an API token never a cookie."""


def authenticate(engine: Engine, authorization: str | None, now: dt.datetime, *, session: bool = False) -> Actor:
    """The actor of a request's `Authorization: Bearer icaops_<id>_<secret>` header (`session`:
    the value of a portal session's cookie, presented the same way).

    Refused (`unauthorized`): no or malformed header, an unknown token, another secret, a
    revoked or expired token, a disabled user, a portal session presented to the API or an API
    token presented as a session. The token's last use is written at most once a
    minute (`LAST_USED_EVERY`), so most requests only read."""
    scheme, _, credentials = (authorization or "").strip().partition(" ")
    match = TOKEN_PATTERN.fullmatch(credentials.strip())
    if scheme.lower() != "bearer" or match is None:
        raise UserError(f"Authorization: expected '{TOKEN_FORMAT}'", code="unauthorized", field="Authorization")
    token_id, secret = match.groups()
    with engine.connect() as conn:
        found = stored.load_token(conn, token_id)
        expected = found.secret_hash if found is not None else "0" * 64
        matches = hmac.compare_digest(_sha256(secret), expected)
        if found is None or not matches or not _usable(found, now):
            raise UserError(UNAUTHORIZED, code="unauthorized", field="Authorization")
        if (found.token.name == PORTAL_SESSION) != session:
            raise UserError(UNAUTHORIZED, code="unauthorized", field="Authorization")
        actor = _actor(conn, found.user, found.org_kind, found.token, found.accounts)
    last = found.token.last_used_at
    if last is None or now - last >= LAST_USED_EVERY:
        with writing(engine) as conn:
            stored.touch_token(conn, token_id, now, now - LAST_USED_EVERY)
    return actor


def _usable(found: stored.StoredToken, now: dt.datetime) -> bool:
    token = found.token
    if token.revoked_at is not None and token.revoked_at <= now:
        return False
    if token.expires_at is not None and token.expires_at <= now:
        return False
    return not found.user.disabled


# -- what an actor may do, and how often ------------------------------------------------------


def _default_terms() -> Terms:
    from ..terms.loader import load_agreement  # loaded once per process (cached by the loader)
    from .agreements import DEFAULT_AGREEMENT

    return load_agreement(DEFAULT_AGREEMENT).terms


def check_rate(engine: Engine, token_id: str, now: dt.datetime, *, terms: Terms | None = None) -> RateDecision:
    """Count one request of a token and decide it: at most `gateway.rate_limit_per_minute`
    requests per token in each minute (VI.13.2; the default agreement's terms unless given).

    Counted in the database (`rate_windows`), so every worker shares one count. Over the
    limit: UserError `rate_limited` with `details["retry_after"]` in seconds."""
    limit_term = (terms or _default_terms()).gateway.rate_limit_per_minute
    start = window_start(now)
    try:
        with writing(engine) as conn:
            if conn.dialect.name == "postgresql":  # a count lost in a crash is harmless: no wait for the disk
                conn.execute(text("SET LOCAL synchronous_commit TO OFF"))
            count = stored.count_request(conn, token_id, start)
    except IntegrityError:
        raise UserError(UNAUTHORIZED, code="unauthorized", field="Authorization") from None
    allowed, decision = decide(count, limit_term.value, now)
    if not allowed:
        retry = decision.retry_after(now)
        raise UserError(
            f"token {token_id}: more than {limit_term.value} requests in the minute from "
            f"{start.isoformat()}; retry after {retry} s ({limit_term.clause})",
            code="rate_limited",
            details={"retry_after": retry, "limit": limit_term.value, "reset_at": decision.reset_at.isoformat()},
        )
    return decision


def authorise(actor: Actor, permission: str, account: str | None = None) -> None:
    """Refuse what `actor` may not do: `forbidden` naming the permission its role (or token)
    lacks; `not_found` for an object of an account it does not see (another CLEC's, or any
    CLEC's for retail sales), so that other tenants' objects are not revealed (OWASP API1)."""
    if permission not in ALL_PERMISSIONS:
        raise ValueError(f"permission {permission!r}: expected one of {', '.join(ALL_PERMISSIONS)}")
    if permission not in PERMISSIONS[actor.role]:
        clause = " (IV.8.5)" if actor.role == "ilec_retail_sales" else ""
        raise UserError(
            f"forbidden: role {actor.role} has no permission {permission}{clause}",
            code="forbidden",
            field="permission",
        )
    if not actor.may(permission):
        raise UserError(
            f"forbidden: the token's scopes do not include {permission}", code="forbidden", field="permission"
        )
    if account is not None and not actor.sees(account):
        raise UserError("not found", code="not_found")


def _roles_of(kind: OrgKind) -> tuple[Role, ...]:
    return tuple(r for r in ROLES if ROLE_ORG_KIND[r] == kind)
