"""Sign-in for people (email and password, argon2) giving a short-lived token, and who am I."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ..app.identity import issue_token, login
from .deps import ActorDep, GatewayDep

__all__ = ["router"]

router = APIRouter(tags=["auth"])

SESSION = dt.timedelta(hours=8)


class Credentials(BaseModel):
    """An email and a password."""

    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class Token(BaseModel):
    """A bearer token: its secret is shown once, here; the gateway keeps only its hash."""

    access_token: str
    token_type: str
    expires_at: str
    token_id: str


class Me(BaseModel):
    """The signed-in user: organisation, role, the billing accounts it sees, its permissions."""

    user: str
    email: str
    organisation: str
    organisationKind: str
    role: str
    accounts: list[str]
    permissions: list[str]


@router.post("/auth/token", status_code=201, response_model=Token, summary="Sign in: a bearer token valid for 8 hours")
def sign_in(body: Credentials, gw: GatewayDep) -> dict[str, Any]:
    now = gw.now()
    actor = login(gw.engine, body.email, body.password, now)
    token, info = issue_token(gw.engine, actor.user_id, "sign-in", None, now + SESSION, now, by=actor)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_at": (now + SESSION).isoformat(),
        "token_id": info.id,
    }


@router.get("/me", response_model=Me, summary="The signed-in user, organisation, role, accounts and permissions")
def me(actor: ActorDep) -> dict[str, Any]:
    from ..identity.roles import PERMISSIONS

    allowed = sorted(p for p in PERMISSIONS[actor.role] if actor.may(p))
    return {
        "user": actor.user_id,
        "email": actor.email,
        "organisation": actor.org_id,
        "organisationKind": actor.org_kind,
        "role": actor.role,
        "accounts": sorted(actor.accounts),
        "permissions": allowed,
    }
