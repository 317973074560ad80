"""``survey-app customers features``, ``churn backtest`` and ``churn score`` on a simulated history."""
from __future__ import annotations

import csv

from tests.retention_support import plant_history


def test_features_command_writes_the_table(app_ctx, runner, tmp_path):
    with app_ctx() as session:
        plant_history(session, n=40)
    out = tmp_path / "features.csv"
    result = runner.invoke(args=["customers", "features", "--cutoff", "2026-01-01", "--out", str(out), "--labels"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows and {"external_id", "segment", "recency_days", "returns", "churned"} <= set(rows[0])
    assert all(float(r["recency_days"]) >= 0 for r in rows)
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_backtest_and_score_commands(app_ctx, runner, tmp_path):
    with app_ctx() as session:
        plant_history(session, n=900)
    result = runner.invoke(args=["churn", "backtest"])
    assert result.exit_code == 0, result.output
    assert "최근성만" in result.output and "RFM 점수만" in result.output, result.output
    out = tmp_path / "scores.csv"
    result = runner.invoke(args=["churn", "score", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    risks = [float(r["risk"]) for r in rows]
    assert risks == sorted(risks, reverse=True) and 0 < risks[-1] < risks[0] < 1
    assert any("반품" in r["reasons"] for r in rows[:20])  # returns drive churn in the simulation


def test_commands_refuse_bad_input_clearly(app_ctx, runner, tmp_path):
    result = runner.invoke(args=["churn", "backtest"])  # an empty database
    assert result.exit_code != 0 and "자료가 없어" in result.output and "Traceback" not in result.output
    result = runner.invoke(args=["churn", "backtest", "--horizon", "5"])
    assert result.exit_code != 0 and "horizon" in result.output


def test_workbook_command_writes_three_sheets_with_a_heat_map(app_ctx, runner, tmp_path):
    from openpyxl import load_workbook

    from survey_app.retention.operations import store_churn_run

    with app_ctx() as session:
        plant_history(session, n=900)
        assert store_churn_run().status == "ok"
        store_churn_run()  # a second run: the migration matrix between the two
    out = tmp_path / "customers.xlsx"
    result = runner.invoke(args=["churn", "workbook", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["고객 세분화", "이탈 위험", "구매 패턴"]
    segments = wb["고객 세분화"]
    sizes = [segments.cell(row=r, column=2).value for r in range(3, 12) if segments.cell(row=r, column=1).value]
    assert sum(v for v in sizes if isinstance(v, int)) > 100
    risk = wb["이탈 위험"]
    assert risk["A3"].value == "이탈 예측 모형" and 0.5 < risk["B3"].value < 1
    cohort = wb["구매 패턴"]
    assert cohort["C3"].value == 1.0 and cohort["C3"].fill.fgColor.rgb.endswith("08519C")  # month 0: everyone, darkest
    later = [cohort.cell(row=3, column=c) for c in range(4, 10)]
    assert all(0 <= cell.value < 1 for cell in later)
    assert any(not cell.fill.fgColor.rgb.endswith("08519C") for cell in later)  # paler as the cohort thins
    texts = [str(c.value) for row in cohort.iter_rows() for c in row if c.value is not None]
    assert "품목별 구매" in texts and any("설·추석 전 28일" in t and "배입니다" in t for t in texts)


def test_workbook_command_with_nothing_to_show(app_ctx, runner, tmp_path):
    result = runner.invoke(args=["churn", "workbook", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "만들 수 없습니다" in result.output and "Traceback" not in result.output
