"""Rows and lines with fewer or more cells than their header are read, not a 500 (zip(strict=True) on
user input raised ValueError; the staff-form fuzz test found the designer's line)."""
from __future__ import annotations

from survey_app.manage.org_files import read_rows


def test_a_directory_csv_with_ragged_rows_is_read_by_its_header():
    data = "code,name,level\nP-A,가우체국\nP-B,나우체국,office,extra\n".encode()
    rows = read_rows(data, "units.csv")
    assert rows[0] == {"code": "P-A", "name": "가우체국"}
    assert rows[1] == {"code": "P-B", "name": "나우체국", "level": "office"}


def test_a_named_line_with_more_or_fewer_cells_than_named_is_parsed(app):
    from survey_app.designer.lines import parse_named

    with app.test_request_context():
        many = parse_named("process | 과정품질 | Process | 0.3 | 9 | 9", extra=("weight",))
        few = parse_named("process | 과정품질", extra=("weight", "order"))
    assert many[0]["code"] == "process" and many[0]["weight"] == 0.3
    assert few == [{"code": "process", "name": {"ko": "과정품질"}}]
