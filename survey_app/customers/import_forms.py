"""Forms of the customer file upload page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField

from ..web.choices import select_choices
from .schemas import KIND_LABELS


class CustomerImportForm(FlaskForm):
    """Which kind of records, the CSV or XLSX file, and whether unknown customers become stubs."""

    kind = SelectField(_l("자료 종류"), choices=select_choices(KIND_LABELS.items()))
    file = FileField(_l("파일 (CSV, XLSX)"), validators=[FileRequired(_l("파일을 골라 주십시오."))])
    create_missing = BooleanField(_l("등록되지 않은 고객번호는 임시 고객으로 만듭니다 (상담 이력·주문)"))


class ConfirmImportForm(FlaskForm):
    """Confirm the import of a file whose every row is valid."""
