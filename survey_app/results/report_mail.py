"""The e-mail of a scheduled report: the workbook made as its subscription's creator may see it, a Korean
subject and body with the headline, and the .xlsx attached under the download's file name."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from flask import current_app

from exports import write_workbook
from exports.findings import key_findings
from questionnaires import QuestionnaireError

from ..models import Permission, ReportSubscription, Wave
from ..web.access import covers, units_of_grants
from .model import ResponseRate
from .stored import fresh_result
from .workbook import workbook_input

CRLF = compat32.clone(linesep="\r\n")
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


#: Key findings quoted in the mail body (the workbook's summary sheet has them all).
MAIL_FINDINGS = 3


class DeliveryProblem(Exception):
    """A report that cannot be made or sent; the message is shown on the subscriptions page."""


@dataclass(frozen=True)
class Headline:
    """What the mail body states: completed responses, the response rate, the headline index and the
    workbook's first key findings (the same sentences as its summary sheet)."""

    responses: int
    index_name: str
    index: float | None
    rate: ResponseRate | None = None
    findings: tuple[str, ...] = ()


def report_mail_domains() -> tuple[str, ...]:
    """The e-mail domains reports may go to (``SURVEY_REPORT_MAIL_DOMAINS``), lower-case."""
    raw = current_app.config.get("REPORT_MAIL_DOMAINS") or ""
    return tuple(d.strip().lower().lstrip("@.") for d in raw.replace(";", ",").split(",") if d.strip())


def outside_allowed_domains(addresses: list[str], domains: tuple[str, ...]) -> list[str]:
    """The addresses whose domain is neither one of ``domains`` nor below one ("*" allows every domain)."""
    if "*" in domains:
        return []
    outside = []
    for address in addresses:
        domain = address.rpartition("@")[2].strip().lower().rstrip(".")
        if not any(domain == d or domain.endswith("." + d) for d in domains):
            outside.append(address)
    return outside


def check_recipients(addresses: list[str]) -> None:
    """Refuse to send a report when any recipient is outside the allowed domains (checked again at delivery,
    since the setting may have narrowed since the subscription was made)."""
    outside = outside_allowed_domains(addresses, report_mail_domains())
    if outside:
        raise DeliveryProblem("허용된 도메인(" + ", ".join(report_mail_domains()) + ") 밖의 주소가 있어 보내지 "
                              "않았습니다: " + ", ".join(outside[:5]))


def file_stem(survey_code: str, wave_code: str) -> str:
    """The survey and wave codes for a file name, the survey's code once: a wave code that already begins
    with it (``CS-POSTAL-2026Q4`` of ``CS-POSTAL``) stands alone."""
    if wave_code.upper().startswith(survey_code.upper()):
        return wave_code
    return f"{survey_code}_{wave_code}"


def workbook_filename(wave: Wave, *, unmasked: bool = False) -> str:
    """The workbook's file name, as downloaded from the results page (``_원문`` when unmasked)."""
    return f"{file_stem(wave.survey.code, wave.code)}_결과보고서{'_원문' if unmasked else ''}.xlsx"


def creator_units(subscription: ReportSubscription) -> set[int] | None:
    """Units whose responses the subscription's creator may see (None: all), from their role grants."""
    user = subscription.created_by
    if user is None or not user.active:
        raise DeliveryProblem("보고서를 설정한 직원의 계정이 없거나 사용 중지되어 보낼 수 없습니다. "
                              "설정을 새로 만들어 주십시오.")
    grants = [(grant.permissions, grant.org_unit_id) for grant in user.grants]
    if not covers(grants, Permission.VIEW_RESULTS, subscription.survey.org_unit_id):
        raise DeliveryProblem("보고서를 설정한 직원에게 이 설문의 결과 조회 권한이 없어 보낼 수 없습니다.")
    return units_of_grants(grants, Permission.VIEW_RESULTS)


def make_workbook(wave: Wave, units: set[int] | None) -> tuple[bytes, Headline]:
    """The workbook's bytes (personal data masked) and its headline numbers, for ``units``' responses."""

    try:
        result = fresh_result(wave, units=units)
        book = workbook_input(wave, units=units, result=result)
        with tempfile.TemporaryFile() as out:
            write_workbook(book, out)
            out.seek(0)
            data = out.read()
    except QuestionnaireError:
        raise DeliveryProblem("이 차수의 설문지를 읽을 수 없어 보고서를 만들지 못했습니다.") from None
    except ValueError as exc:
        raise DeliveryProblem(f"이 차수의 결과를 계산할 수 없어 보고서를 만들지 못했습니다: {exc}") from None
    name = next((i.name for i in result.indices if i.headline), "대표 지표")
    return data, Headline(result.n, name, result.headline.value if result.headline else None,
                          result.response_rate, tuple(key_findings(book)[:MAIL_FINDINGS]))


def period_label(period: str) -> str:
    """``2026-W49`` → 2026년 49주차, ``2026-12`` → 2026년 12월, ``wave-7`` → 차수 마감, ``test-…`` → 시험 발송."""
    if period.startswith("wave-"):
        return "차수 마감"
    if period.startswith("test-"):
        return "시험 발송"
    year, _sep, rest = period.partition("-")
    return f"{year}년 {int(rest[1:])}주차" if rest.startswith("W") else f"{year}년 {int(rest)}월"


def mail_text(wave: Wave, period: str, headline: Headline, restricted: bool) -> tuple[str, str]:
    """The Korean subject and body of a report mail."""
    state = "마감" if wave.is_closed else "진행 중"
    label = period_label(period)
    subject = f"[설문 결과 보고] {wave.survey.title} · {wave.name} ({label})"
    index = "아직 계산할 수 없습니다" if headline.index is None else f"{headline.index:.1f}점 (100점 기준)"
    lines = ["안녕하십니까.", f"{wave.survey.title}의 결과 보고서를 보내 드립니다.", "",
             f"· 차수: {wave.name} ({state})", f"· 보고 기간: {label}", f"· 완료 응답: {headline.responses:,}건"]
    rate = headline.rate
    if rate is not None and rate.rate is not None:
        lines.append(f"· 응답률: {rate.rate:.1f}% (초대 {rate.invitations:,}명 중 완료 {rate.invited_complete:,}명)")
    lines += [f"· {headline.index_name}: {index}", ""]
    if headline.findings:
        lines += ["주요 발견", *(f"{i}. {text}" for i, text in enumerate(headline.findings, 1)), ""]
    lines += [f"첨부한 엑셀 파일({workbook_filename(wave)})에 요약, 차원별 점수, 세그먼트, 추이, 문항별 응답이 있습니다.",
              "개인정보(이름, 전화번호, 전자우편 주소)는 가려져 있습니다."]
    if restricted:
        lines.append("보고서를 설정한 직원의 조회 범위에 속한 조직의 응답만 집계했습니다.")
    lines += ["", "이 메일은 설문조사 시스템의 정기 보고 설정에 따라 자동으로 보냈습니다.",
              "받지 않으시려면 결과 화면의 '정기 보고' 설정에서 주소를 빼 주십시오."]
    return subject, "\n".join(lines) + "\n"


def build_report_mail(sender: str, recipients: list[str], message_id: str, wave: Wave, period: str,
                      workbook: bytes, headline: Headline, restricted: bool) -> Message:
    """The MIME message: Korean text body and the workbook attached (CRLF line ends, as SMTP wants them)."""
    subject, body = mail_text(wave, period, headline, restricted)
    mail = MIMEMultipart(policy=CRLF)
    mail["From"], mail["To"] = sender, ", ".join(recipients)
    mail["Subject"] = Header(subject, "utf-8", header_name="Subject")
    mail["Date"] = format_datetime(datetime.now(ZoneInfo(current_app.config["TIMEZONE"])))
    mail["Message-ID"] = f"<{message_id}@{sender.rpartition('@')[2].strip('>') or 'localhost'}>"
    mail.attach(MIMEText(body, "plain", "utf-8", policy=CRLF))
    part = MIMEApplication(workbook, XLSX[1], policy=CRLF)
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", workbook_filename(wave)))
    mail.attach(part)
    return mail
