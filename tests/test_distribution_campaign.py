"""Issue 23, what a CS staff member met running a campaign end to end: the funnel shows invited and skipped
separately and the unsubscribes after an invitation, the status page says when no sender is alive and why
messages wait, a tick runs 'as of' a later time for trials."""
from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from survey_app.models import Contact, Invitation, Lease, OutboxMessage, OutboxStatus, utcnow
from tests.designer_support import staff
from tests.distribution_support import import_people, people, plan_wave
from tests.test_distribution_flow import _send_all, _tick


def _funnel_html(client, wave_id: int) -> str:
    return client.get(f"/manage/distribution/waves/{wave_id}/funnel").get_data(as_text=True)


def _cells(html: str, label: str) -> list[str]:
    """The numbers of the funnel's total row under the column headed ``label``."""
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)
    total = html.split('<th scope="row">전체</th>')[1].split("</tr>")[0]
    return re.findall(r'<td class="num">([^<]*)</td>', total)[heads.index(label) - 1]


def test_funnel_shows_invited_beside_targeted_and_unsubscribes_after_the_invitation(
        app, app_ctx, client, make_survey, make_user):
    from survey_app.distribution.funnel import wave_funnel
    from survey_app.distribution.optout import opt_out

    earlier, ids = make_survey(), make_survey()
    import_people(app_ctx, people(6, start=700, region="R-BUSAN"))
    with app_ctx() as session:
        contacts = session.scalars(select(Contact).order_by(Contact.id.desc()).limit(6)).all()
        contacts[0].opted_out_at = utcnow()
        session.add(Invitation(wave_id=earlier["wave_id"], contact_id=contacts[1].id, token_hash="f" * 64,
                               sent_at=utcnow() - timedelta(days=3)))
    plan_wave(app_ctx, ids["wave_id"], no_resurvey_days=30, audience={"filters": {"region": ["R-BUSAN"]}})
    _tick(app_ctx)
    _send_all(app)
    with app_ctx() as session:
        opt_out(session.get(Contact, contacts[2].id), via="link")  # after the invitation went out
    with app_ctx():
        total = wave_funnel(ids["wave_id"]).total.counts
    assert (total["targeted"], total["opt_out"], total["no_resurvey"], total["invited"]) == (6, 1, 1, 4)
    assert total["sent"] == 4 and total["unsubscribed"] == 1
    staff(make_user, app_ctx, client, role="admin")
    html = _funnel_html(client, ids["wave_id"])
    assert _cells(html, "선정 대상") == "6" and _cells(html, "초대") == "4"
    assert _cells(html, "제외: 재조사 제한") == "1" and _cells(html, "안내 후 수신거부") == "1"


def test_status_page_says_no_sender_is_running_and_how_many_messages_wait(app, app_ctx, client, make_survey,
                                                                           make_user):
    from survey_app.distribution.heartbeat import beat

    ids = make_survey()
    import_people(app_ctx, people(5, start=720))
    plan_wave(app_ctx, ids["wave_id"])
    _tick(app_ctx)
    with app_ctx() as session:  # two claimed by a sender that then died, three still due
        first_two = session.scalars(select(OutboxMessage.id).where(OutboxMessage.wave_id == ids["wave_id"])
                                    .order_by(OutboxMessage.id).limit(2)).all()
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(first_two)).values(
            status=OutboxStatus.SENDING, locked_by="gone:1", lease_until=utcnow() + timedelta(minutes=5)))
        session.execute(update(Lease).where(Lease.name.startswith("sender:")).values(
            expires_at=utcnow() - timedelta(hours=1)))
        beat("gone:1", now=utcnow() - timedelta(minutes=10))
    staff(make_user, app_ctx, client, role="admin")
    html = _funnel_html(client, ids["wave_id"])
    assert "발송기가 작동하지 않습니다" in html
    assert "보낼 메시지 5건(지금 보낼 것 3건, 보내는 중 2건)이 발송기를 기다립니다" in html
    assert "발송기를 마지막으로 확인한 때" in html
    printed = app.test_cli_runner().invoke(args=["wave", "status", ids["wave_code"]]).output
    assert "senders alive=0" in printed and "due_now=3 sending=2" in printed and "no sender running" in printed
    with app_ctx():
        beat("alive:2")
    html = _funnel_html(client, ids["wave_id"])
    assert "발송기가 작동하지 않습니다" not in html and "발송기 1개가 작동 중입니다" in html


def test_status_page_says_queued_messages_wait_for_the_end_of_quiet_hours(app, app_ctx, client, make_survey,
                                                                          make_user):
    from survey_app.distribution.sending_status import QUIET, sending_status

    ids = make_survey()
    import_people(app_ctx, people(2, start=740))
    now = utcnow()
    quiet_from = (now + timedelta(hours=9) - timedelta(hours=1)).strftime("%H:%M")  # KST: began an hour ago
    quiet_to = (now + timedelta(hours=9) + timedelta(hours=2)).strftime("%H:00")  # ends in two hours or less
    plan_wave(app_ctx, ids["wave_id"], quiet=(quiet_from, quiet_to))
    _tick(app_ctx)
    with app_ctx():
        status = sending_status(ids["wave_id"])
    assert [(w.reason, w.count) for w in status.later] == [(QUIET, 2)] and status.due_now == 0
    staff(make_user, app_ctx, client, role="admin")
    html = _funnel_html(client, ids["wave_id"])
    assert f"대기 2건은 야간 발송 제한({quiet_from}~{quiet_to}) 때문에" in html
    assert re.search(rf"\d+월 \d+일 {quiet_to}에 보냅니다", html)


def test_invitation_mail_has_local_date_an_unfolded_subject_and_one_click_unsubscribe(
        app, app_ctx, make_app, make_survey):
    """RFC 5322 Date in KST, the Subject's first encoded word on its own line, RFC 8058 headers, and the
    one-click POST they point to works without a session or CSRF token (a mail provider has neither)."""
    ids = make_survey()
    import_people(app_ctx, people(1, start=760))
    plan_wave(app_ctx, ids["wave_id"], email_subject="{이름}님, 우체국 서비스 만족도 조사에 참여해 주십시오 — 2026년 4분기")
    _tick(app_ctx)
    assert _send_all(app, ("email",)).sent == 1
    with app_ctx() as session:
        message_id = session.scalar(select(OutboxMessage.id).where(OutboxMessage.wave_id == ids["wave_id"]))
    raw = (Path(app.instance_path) / "outbox" / "mail" / f"outbox-{message_id}.eml").read_bytes()
    head = raw.split(b"\n\n")[0].decode("ascii")
    assert re.search(r"^Subject: =\?utf-8\?b\?", head, re.M)  # not "Subject: \n =?utf-8…"
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Date"].endswith("+0900")
    assert str(mail["Subject"]).startswith("고객760님, 우체국 서비스")
    url = re.fullmatch(r"<(https?://[^>]+/u/([\w-]{43})/one-click)>", mail["List-Unsubscribe"])
    assert url and mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.search(r"^List-Unsubscribe: <", head, re.M)  # one line
    strict = make_app(WTF_CSRF_ENABLED=True).test_client()
    path = f"/u/{url.group(2)}/one-click"
    assert strict.post(path, data={"List-Unsubscribe": "Other"}).status_code == 400
    with app_ctx() as session:
        assert session.scalar(select(Contact.opted_out_at).join(Invitation).where(
            Invitation.wave_id == ids["wave_id"])) is None
    answer = strict.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    with app_ctx() as session:
        assert session.scalar(select(Contact.opted_out_at).join(Invitation).where(
            Invitation.wave_id == ids["wave_id"])) is not None
    assert strict.post(f"/u/{'x' * 43}/one-click", data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_import_button_says_it_leaves_the_bad_rows_out_and_does_so(app_ctx, client, make_user):
    """Issue 23: the button said '28명 등록' and was refused unless a box was ticked; now it says what it does."""
    import io

    from tests.distribution_support import contact_csv

    staff(make_user, app_ctx, client, role="admin")
    data = contact_csv(people(3, start=780) + ["동의없음,010-9999-0780,,R-SEOUL,,,,,N", "번호틀림,010-12,,R-SEOUL,,,,,Y"])
    html = client.post("/manage/distribution/contacts/import", data={"file": (io.BytesIO(data), "list.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    form = html.split('action="/manage/distribution/contacts/import/')[1].split("</form>")[0]
    button = re.search(r'<button type="submit"[^>]*>([^<]+)</button>', form).group(1)
    assert button == "잘못된 2행은 빼고 3명 등록"
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    action = "/manage/distribution/contacts/import/" + form.split('"')[0]
    done = client.post(action, data=fields)  # exactly what the browser sends when the button is pressed
    assert done.status_code == 302
    assert "3명을 등록" in client.get(done.headers["Location"]).get_data(as_text=True)
