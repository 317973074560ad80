"""A 30-question respondent page transfers at most 50 KB (HTML, CSS, script) and loads nothing from elsewhere."""
from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.models import Invitation, Wave, new_token

LIMIT = 50_000


def thirty_questions() -> dict:
    questions = [{"code": f"Q{i}", "type": "likert", "scale": "agree7",
                  "text": {"ko": f"우체국 직원은 고객의 요청을 정확하게 처리하였습니까? ({i})"}} for i in range(1, 31)]
    labels = [{"value": 1, "label": {"ko": "전혀 그렇지 않다"}}, {"value": 4, "label": {"ko": "보통이다"}},
              {"value": 7, "label": {"ko": "매우 그렇다"}}]
    return {"code": "W30", "version": 1, "kind": "customer_satisfaction", "title": {"ko": "30문항 만족도 조사"},
            "scales": {"agree7": {"points": 7, "labels": labels, "na": {"value": 9, "label": {"ko": "모름/해당없음"}}}},
            "sections": [{"code": "S1", "title": {"ko": "서비스 평가"}, "questions": questions}]}


def test_a_thirty_question_page_transfers_under_50_kb(client, app_ctx, make_survey):
    from questionnaires import Questionnaire

    ids = make_survey(Questionnaire.from_dict(thirty_questions()).to_dict())
    token, digest = new_token()
    with app_ctx() as session:
        session.add(Invitation(wave_id=ids["wave_id"], token_hash=digest))
        code = session.scalar(select(Wave.code).where(Wave.id == ids["wave_id"]))
    client.get(f"/s/{token}")
    headers = {"Accept-Encoding": "gzip"}
    page = client.get(f"/r/{code}?p=1", headers=headers)
    html = page.get_data(as_text=False)
    assert page.status_code == 200 and page.headers.get("Content-Encoding") == "gzip"
    text = client.get(f"/r/{code}?p=1").get_data(as_text=True)
    assert text.count('type="radio"') == 30 * 8
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', text)
    assert {a.split("?")[0] for a in assets} >= {"/static/app.css", "/static/respond.css", "/static/survey.js"}
    transferred = len(html) + sum(len(client.get(a, headers=headers).get_data()) for a in assets)
    assert transferred <= LIMIT, f"{transferred} bytes"
    assert not re.search(r'(?:href|src)="(?:https?:)?//', text), "pages load nothing from another host"
