"""Roles scoped to the org tree: admin screens, CLI, the 0001 admin flag carried into grants."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from survey_app.models import AuditEvent, OrgLevel, RoleGrant, User

PASSWORD = "Sokcho2026pass"


def login(client, username):
    assert client.post("/manage/login", data={"username": username, "password": PASSWORD}).status_code == 302


@pytest.fixture
def regions(make_org):
    hq = make_org("HQ-R", "우정사업본부", OrgLevel.HEADQUARTERS)
    ids = {"HQ-R": hq}
    for region, office in (("R-SEOUL-T", "P-GWANG-T"), ("R-BUSAN-T", "P-HAEUN-T")):
        ids[region] = make_org(region, region, OrgLevel.REGIONAL, "HQ-R")
        ids[office] = make_org(office, office, OrgLevel.OFFICE, region)
    return ids


def grant(app_ctx, user_id, role, unit_id):
    from survey_app.accounts.operations import grant_role

    with app_ctx() as session:
        grant_role(session.get(User, user_id), role, unit_id)


def test_a_regional_analyst_sees_only_its_offices_and_staff(client, app_ctx, make_user, regions):
    from survey_app.models import StaffMember

    with app_ctx() as session:
        session.add_all([StaffMember(employee_no="T-1", name="서울직원", org_unit_id=regions["P-GWANG-T"]),
                         StaffMember(employee_no="T-2", name="부산직원", org_unit_id=regions["P-HAEUN-T"])])
    user_id, _ = make_user("seoul_analyst")
    grant(app_ctx, user_id, "analyst", regions["R-SEOUL-T"])
    login(client, "seoul_analyst")
    listing = client.get("/manage/org/").get_data(as_text=True)
    assert "P-GWANG-T" in listing and "P-HAEUN-T" not in listing and "HQ-R" not in listing
    assert "서울직원" in client.get(f"/manage/org/{regions['P-GWANG-T']}").get_data(as_text=True)
    assert client.get(f"/manage/org/{regions['P-HAEUN-T']}").status_code == 403
    assert client.get(f"/manage/org/{regions['HQ-R']}").status_code == 403


def test_admin_grants_a_scoped_role_and_it_is_audited(client, app_ctx, make_user, regions):
    make_user("root_grant", is_admin=True)
    target_id, _ = make_user("new_designer")
    login(client, "root_grant")
    answer = client.post(f"/admin/users/{target_id}/grants", data={"role": "designer", "org_unit": str(regions["R-BUSAN-T"])})
    assert answer.status_code == 302
    with app_ctx() as session:
        grants = session.scalars(select(RoleGrant).where(RoleGrant.user_id == target_id)).all()
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "role.grant",
                                                          AuditEvent.object_id == str(target_id))).all()
    assert [(g.role, g.org_unit_id) for g in grants] == [("designer", regions["R-BUSAN-T"])]
    assert events and events[0].actor_name == "root_grant"


def test_a_regional_admin_cannot_grant_outside_its_region(client, app_ctx, make_user, regions):
    admin_id, _ = make_user("busan_admin", org_unit_id=regions["R-BUSAN-T"])
    grant(app_ctx, admin_id, "admin", regions["R-BUSAN-T"])
    local_id, _ = make_user("busan_clerk", org_unit_id=regions["P-HAEUN-T"])
    seoul_id, _ = make_user("seoul_clerk", org_unit_id=regions["P-GWANG-T"])
    login(client, "busan_admin")
    users_page = client.get("/admin/users").get_data(as_text=True)
    assert "busan_clerk" in users_page and "seoul_clerk" not in users_page
    assert client.get(f"/admin/users/{seoul_id}").status_code == 403
    assert client.post(f"/admin/users/{local_id}/grants",
                       data={"role": "admin", "org_unit": str(regions["HQ-R"])}).status_code == 400  # not a choice
    assert client.post(f"/admin/users/{local_id}/grants",
                       data={"role": "analyst", "org_unit": str(regions["P-HAEUN-T"])}).status_code == 302
    assert client.get("/admin/audit").status_code == 403  # organisation-wide logs need an organisation-wide admin


def test_the_last_organisation_wide_admin_cannot_be_removed(client, app_ctx, make_user):
    admin_id, _ = make_user("only_admin", is_admin=True)
    login(client, "only_admin")
    with app_ctx() as session:
        grant_id = session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == admin_id)).one()
    page = client.post(f"/admin/users/{admin_id}/grants/{grant_id}/revoke", follow_redirects=True)
    assert "마지막 전체 관리자" in page.get_data(as_text=True)
    with app_ctx() as session:
        assert session.get(User, admin_id).is_admin


def test_admin_creates_a_user_with_a_generated_password_shown_once(client, app_ctx, make_user, regions):
    make_user("root_create", is_admin=True)
    login(client, "root_create")
    page = client.post("/admin/users", data={"username": "kim_eval", "display_name": "김평가",
                                             "org_unit": str(regions["P-GWANG-T"])}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "한 번만 표시" in html
    with app_ctx() as session:
        user = session.scalars(select(User).where(User.username == "kim_eval")).one()
    assert user.org_unit_id == regions["P-GWANG-T"] and user.password_hash.startswith("$argon2id$")


def test_cli_creates_users_with_roles_and_grants_more(runner, app_ctx, regions):
    made = runner.invoke(args=["create-user", "cli_analyst", "--role", "analyst", "--org-unit", "R-SEOUL-T"])
    assert made.exit_code == 0, made.output
    more = runner.invoke(args=["grant-role", "cli_analyst", "executive", "--org-unit", "R-BUSAN-T"])
    assert more.exit_code == 0, more.output
    with app_ctx() as session:
        user = session.scalars(select(User).where(User.username == "cli_analyst")).one()
        assert sorted((g.role, g.org_unit_id) for g in user.grants) == [
            ("analyst", regions["R-SEOUL-T"]), ("executive", regions["R-BUSAN-T"])]
    back = runner.invoke(args=["grant-role", "cli_analyst", "executive", "--org-unit", "R-BUSAN-T", "--revoke"])
    assert back.exit_code == 0
    assert runner.invoke(args=["grant-role", "cli_analyst", "analyst", "--org-unit", "NOPE"]).exit_code != 0


SEED_0001 = [
    "INSERT INTO users (id, username, display_name, password_hash, is_admin, active, locale, failed_logins, "
    "session_version, created_at) VALUES (1, 'old_admin', 'x', 'h', 1, 1, 'ko', 0, 0, '2026-01-01 00:00:00'), "
    "(2, 'old_staff', 'y', 'h', 0, 1, 'ko', 0, 0, '2026-01-01 00:00:00')",
    "INSERT INTO audit_events (id, occurred_at, actor_id, action, details) VALUES (1, '2026-01-01 00:00:00', 1, 'x', '{}')",
    "INSERT INTO surveys (id, code, title, kind, state, owner_id, draft_definition, lock_version, updated_at, created_at) "
    "VALUES (1, 'S', 't', 'k', 'published', 2, '{}', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    "INSERT INTO survey_versions (id, survey_id, number, definition, digest, changelog, published_at) "
    "VALUES (1, 1, 1, '{}', 'd', '', '2026-01-01 00:00:00')",
    "INSERT INTO waves (id, code, name, survey_id, version_id, state, settings, created_at) "
    "VALUES (1, 'W', 'w', 1, 1, 'open', '{}', '2026-01-01 00:00:00')",
    "INSERT INTO contacts (id, attributes, consent, created_at) VALUES (1, '{}', 1, '2026-01-01 00:00:00')",
    "INSERT INTO invitations (id, wave_id, contact_id, token_hash, channel, status, hidden, reminders_sent, created_at) "
    "VALUES (1, 1, 1, 'h', 'sms', 'sent', '{}', 0, '2026-01-01 00:00:00')",
]
LINKS = "SELECT (SELECT actor_id FROM audit_events), (SELECT owner_id FROM surveys), (SELECT contact_id FROM invitations)"


def test_migration_keeps_every_link_and_turns_admin_flags_into_grants(tmp_path):
    """0001 → 0002 → 0001 on SQLite (where altering copies tables) loses no row and no reference."""
    from survey_app import migrate
    from survey_app.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'upgrade.sqlite'}")
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        for statement in SEED_0001:
            conn.execute(text(statement))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        grants = conn.execute(text("SELECT u.username, g.role, g.org_unit_id FROM role_grants g "
                                   "JOIN users u ON u.id = g.user_id")).all()
        assert tuple(conn.execute(text(LINKS)).one()) == (1, 2, 1)
        assert conn.execute(text("SELECT purge_action FROM contacts")).scalar_one() == "purge"
    assert [tuple(g) for g in grants] == [("old_admin", "admin", None)]
    migrate.downgrade(engine, "0001")
    with engine.connect() as conn:
        flags = dict(conn.execute(text("SELECT username, is_admin FROM users")).all())
        assert tuple(conn.execute(text(LINKS)).one()) == (1, 2, 1)
    assert flags == {"old_admin": 1, "old_staff": 0}
    engine.dispose()
