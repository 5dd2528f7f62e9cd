"""The notification hub through the API (TM Forum hub pattern; docs/webhooks.md): an
organisation's hook managers subscribe, list, read and delete its subscriptions and read their
delivery log; another organisation's subscription does not exist for them (OWASP API1); a role
without `hooks.manage` — a CLEC user, CenturyLink's retail sales (IV.8.5) — is forbidden."""

from __future__ import annotations

from .conftest import Gateway, lsr
from .hooks import HOSTS, deliver, subscribe, use_policy


def test_a_subscription_shows_its_secret_once(gateway: Gateway) -> None:
    created = subscribe(gateway, "granite_admin", "ProductOrderCreateEvent")
    assert created["secret"].startswith("whsec_")
    assert created["href"] == f"/hub/{created['id']}"
    assert created["callback"] == f"https://{HOSTS['granite_admin']}/events"
    listed = gateway.get("granite_admin", "/hub").json()["items"]
    assert [s["id"] for s in listed] == [created["id"]] and "secret" not in listed[0]
    one = gateway.get("granite_admin", created["href"]).json()
    assert one == {k: v for k, v in created.items() if k != "secret"}


def test_another_organisations_subscription_is_not_found(gateway: Gateway) -> None:
    mine = subscribe(gateway, "granite_admin", "ProductOrderCreateEvent")
    for method, path in (
        ("GET", mine["href"]),
        ("DELETE", mine["href"]),
        ("GET", f"{mine['href']}/deliveries"),
    ):
        for who in ("other_admin", "ops"):
            r = gateway.client.request(method, path, headers=gateway.as_(who))
            assert r.status_code == 404, (who, method, path, r.text)
            assert r.json()["code"] == "not_found"
    assert gateway.get("other_admin", "/hub").json()["items"] == []
    assert gateway.get("granite_admin", mine["href"]).json()["deletedAt"] is None


def test_roles_without_hooks_manage_are_forbidden(gateway: Gateway) -> None:
    """IV.8.5: retail sales reach nothing of a CLEC's; a CLEC user does not manage its
    organisation's hooks (the admin does); an auditor writes nothing."""
    use_policy(gateway)
    body = {"callback": "https://hooks.ctl.example/events", "eventTypes": ["ProductOrderCreateEvent"]}
    for who in ("retail", "granite", "billing", "auditor"):
        assert gateway.post(who, "/hub", body).status_code == 403, who
        assert gateway.get(who, "/hub").status_code == 403, who


def test_a_bad_subscription_is_invalid_naming_its_field(gateway: Gateway) -> None:
    use_policy(gateway)
    r = gateway.post("granite_admin", "/hub", {"callback": "https://hooks.granite.example/e", "eventTypes": ["Nope"]})
    assert r.status_code == 422 and r.json()["field"] == "eventTypes"
    r = gateway.post("granite_admin", "/hub", {"callback": "http://hooks.granite.example/e", "eventTypes": ["NoticeCreateEvent"]})  # fmt: skip
    assert r.status_code == 422 and r.json()["field"] == "callback"
    r = gateway.post("granite_admin", "/hub", {"callback": "https://10.0.0.8/e", "eventTypes": ["NoticeCreateEvent"]})
    assert r.status_code == 422 and r.json()["field"] == "callback"  # no private addresses (SSRF)
    assert gateway.get("granite_admin", "/hub").json()["items"] == []


def test_a_deleted_subscription_gets_nothing_more(gateway: Gateway) -> None:
    mine = subscribe(gateway, "granite_admin", "ProductOrderCreateEvent")
    assert gateway.client.delete(mine["href"], headers=gateway.as_("granite_admin")).status_code == 204
    assert gateway.get("granite_admin", "/hub").json()["items"] == []
    assert gateway.get("granite_admin", mine["href"]).json()["deletedAt"] is not None
    assert gateway.post("granite", "/productOrder", lsr()).status_code == 201
    assert deliver(gateway).at("granite_admin") == []
    r = gateway.client.delete(mine["href"], headers=gateway.as_("granite_admin"))
    assert r.status_code == 404  # already deleted


def test_the_delivery_log_pages_and_shows_each_attempt(gateway: Gateway) -> None:
    mine = subscribe(gateway, "granite_admin", "ProductOrderCreateEvent")
    for pon in ("N-1", "N-2", "N-3"):
        assert gateway.post("granite", "/productOrder", lsr(pon=pon)).status_code == 201
    deliver(gateway)
    path = f"{mine['href']}/deliveries"
    r = gateway.get("granite_admin", path, limit=2)
    assert r.status_code == 200, r.text
    first = r.json()
    assert len(first["items"]) == 2 and first["nextCursor"]
    # a delivery queued while the client pages is newer: it does not push one onto the next page
    assert gateway.post("granite", "/productOrder", lsr(pon="N-4")).status_code == 201
    second = gateway.get("granite_admin", path, limit=2, cursor=first["nextCursor"]).json()
    assert len(second["items"]) == 1 and second["nextCursor"] is None
    items = first["items"] + second["items"]
    assert [d["id"] for d in items] == sorted({d["id"] for d in items}, reverse=True)
    assert all(d["status"] == "delivered" and d["attempts"] == 1 for d in items)
    assert all(d["log"][0]["statusCode"] == 204 for d in items)
    assert {d["eventId"].split("/")[0] for d in items} == {"GRANITE"}
    assert [d["status"] for d in gateway.get("granite_admin", path).json()["items"]] == ["pending"] + ["delivered"] * 3
    assert gateway.get("granite_admin", path, status="failed").json() == {"items": [], "nextCursor": None}
    assert gateway.get("granite_admin", path, status="lost").status_code == 422
    for cursor in ("bm9wZQ==", "YXVkaXQAMQ==", "ZGVsaXZlcnkAwrI="):  # "nope", "audit\x001", "delivery\x00²"
        assert gateway.get("granite_admin", path, cursor=cursor).status_code == 422
