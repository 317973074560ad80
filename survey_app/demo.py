"""``survey-app demo``: a ready-to-explore database, created once and never duplicated."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from .accounts.operations import create_user
from .accounts.passwords import generate_password
from .database import db
from .demo_cases import seed_cases
from .demo_courtesy import seed_courtesy_survey
from .demo_customers import seed_customers
from .demo_org import seed_organisation
from .demo_results import seed_result_settings
from .demo_surveys import fresh_personal_links, open_wave_links, seed_main_survey, seed_template_drafts
from .models import User
from .retention.operations import store_churn_run
from .voc.jobs import analyse_new_answers
from .voc.sources import analyse_new_call_notes, analyse_new_cases


@dataclass
class SeedReport:
    """What the demo seeding did, and what to print for the person who ran it."""

    created_org: bool = False
    created_surveys: bool = False
    created_customers: bool = False
    admin_password: str | None = None
    notes: list[str] = field(default_factory=list)
    personal_links: dict[str, str] = field(default_factory=dict)

    def lines(self, base_url: str) -> list[str]:
        """The text ``survey-app demo`` prints."""
        out = [f"우편고객센터 설문조사 데모 (survey_app demo): {base_url}/"]
        out.append(f"  직원 로그인 (staff sign-in): {base_url}/manage/login")
        if self.admin_password:
            out.append(f"  관리자 (admin): admin / {self.admin_password}   ← 지금 한 번만 표시됩니다 (shown once)")
        else:
            out.append("  관리자 계정은 이미 있습니다 (admin already exists; password was shown on first run).")
        out.extend(open_wave_links(base_url, self.personal_links))
        out.append(f"  친절도 평가 (courtesy evaluations): {base_url}/manage/courtesy/")
        out.append(f"  고객 정보 (customer records, 20,000 customers): {base_url}/manage/customers/")
        out.append(f"  VOC 처리 (cases): {base_url}/manage/cases/   이탈 위험 (churn): {base_url}/manage/retention/")
        if not self.created_surveys:
            out.append("  데모 데이터는 이미 있습니다. 다시 만들지 않았습니다 (demo data already present; nothing added).")
        out.extend(self.notes)
        return out


def seed_demo() -> SeedReport:
    """Seed the organisation, an admin and the demo surveys, skipping whatever exists."""
    report = SeedReport(created_org=seed_organisation())
    admin, report.admin_password = _seed_admin()
    report.created_surveys = seed_main_survey()
    if report.created_surveys:
        seed_result_settings()  # targets per index and population margins (가중치 적용), as CS staff would set
    seed_courtesy_survey(evaluator=admin)
    seed_template_drafts()
    report.created_customers = seed_customers()
    report.personal_links = fresh_personal_links()
    analyse_new_answers(batch=100_000)  # the open answers' topics and words, as the scheduler's job would
    seed_cases()
    analyse_call_notes_and_cases()  # call notes and case descriptions (each case's suggested topic), in batches
    if report.created_customers:  # the churn model fitted once on the demo's history, as the monthly job would
        run = store_churn_run()
        if run.message:
            report.notes.append(f"  이탈 예측 모형 (churn model): {run.message}")
    return report


def analyse_call_notes_and_cases(batch: int = 50_000) -> None:
    """Analyse every call note and case not analysed yet, as the scheduler's job would (identical notes once)."""
    while analyse_new_call_notes(batch) == batch:
        pass
    while analyse_new_cases(batch) == batch:
        pass


def _seed_admin():
    """The demo's admin, and its new password (shown once) when it had to be created."""

    existing = db.session.scalar(select(User).where(User.username == "admin"))
    if existing is not None:
        return existing, None
    password = generate_password()
    return create_user("admin", password, display_name="데모 관리자", is_admin=True), password
