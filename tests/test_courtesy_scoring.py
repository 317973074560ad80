"""One courtesy credit rule: the courtesy pages and the results page/workbook score alike.

The two used to differ: the courtesy pages (``courtesy/scoring.py``) failed on an answer off the
scale and on a scale starting at 0, and pooled the lowest and highest level of items on different
scales; the results page left off-scale answers out, shifted the levels and did not score a
checklist on mixed scales. Both now call ``analysis.courtesy.score_answers`` with the checklist's
``credit`` rule.
"""
from __future__ import annotations

import numpy as np
import pytest
import yaml

from analysis import courtesy
from questionnaires import checklist_specs, dump_xlsx, dump_yaml, load_xlsx, load_yaml, validate, vocab
from survey_app.courtesy.scoring import score_checklists
from survey_app.results.courtesy import score_checklist
from tests.test_results_scoring import wave_data

NAN = np.nan


def _yaml(start: int = 1, credit: str | None = None, second_points: int = 5) -> str:
    rule = f", credit: {credit}" if credit else ""
    return f"""
code: COURTESY_RULE
version: 1
kind: staff_courtesy
title: {{ko: 친절도 규칙}}
scales:
  level5: {{points: 5, start: {start}, na: {{value: 9, label: {{ko: 해당 없음}}}}}}
  other: {{points: {second_points}, start: {start}}}
sections:
  - code: C
    title: {{ko: 창구}}
    questions:
      - {{code: C1, type: rating, text: {{ko: 맞이}}, scale: level5, scoring: {{stage: 맞이, points: 60}}}}
      - {{code: C2, type: rating, text: {{ko: 배웅}}, scale: other, scoring: {{stage: 마무리, points: 40}}}}
scoring:
  checklists:
    - {{code: counter, name: {{ko: 창구}}, total: 100{rule}}}
"""


def _both(q, rows: list[list[float]]) -> tuple[list[float], list[float]]:
    """Totals on the courtesy pages and on the results page for the same answers."""
    page = score_checklists(q, [(i, {c: v for c, v in zip(("C1", "C2"), row, strict=True) if not np.isnan(v)})
                                for i, row in enumerate(rows)])
    results = score_checklist(wave_data(rows, ("C1", "C2")), checklist_specs(q)[0])
    return (list(page[0].scores.total) if page else []), (list(results[0]) if results else [])


def test_the_default_rule_is_unchanged_points_times_level_minus_one_over_four():
    page, results = _both(load_yaml(_yaml()), [[5, 3], [1, 5], [4, NAN], [2, 2]])
    assert page == pytest.approx([80, 40, 75, 25]) and results == pytest.approx(page)


def test_an_answer_off_the_scale_is_left_out_on_both_pages():
    # before: the courtesy pages raised ValueError (a 500) on the 7; the results page left it out
    page, results = _both(load_yaml(_yaml()), [[7, 3], [5, 5]])
    assert page == pytest.approx([50, 100]) and results == pytest.approx(page)


def test_a_scale_starting_at_zero_is_shifted_on_both_pages():
    # before: the courtesy pages refused level 0; the results page scored 0..4 like 1..5
    page, results = _both(load_yaml(_yaml(start=0)), [[4, 2], [0, 4], [3, NAN]])
    assert page == pytest.approx([80, 40, 75]) and results == pytest.approx(page)


def test_items_on_different_scales_are_not_scored_on_either_page():
    # before: the courtesy pages scored 1..3 items against the 1..5 range (a top answer earned half)
    page, results = _both(load_yaml(_yaml(second_points=3)), [[5, 3]])
    assert page == [] and results == []


def test_the_proportional_rule_gives_level_over_levels():
    q = load_yaml(_yaml(credit="proportional"))
    page, results = _both(q, [[5, 3], [1, 5]])
    assert page == pytest.approx([60 + 24, 12 + 40]) and results == pytest.approx(page)


def test_the_rule_is_validated_and_kept_in_yaml_and_excel(tmp_path):
    q = load_yaml(_yaml(credit="proportional"))
    assert checklist_specs(q)[0].credit == "proportional"
    assert load_yaml(dump_yaml(q)) == q
    dump_xlsx(q, tmp_path / "q.xlsx")
    assert load_xlsx(tmp_path / "q.xlsx") == q
    assert "credit" not in dump_yaml(load_yaml(_yaml()))
    found = {(p.code, p.path) for p in validate(yaml.safe_load(_yaml(credit="half")))}
    assert ("unknown_checklist_credit", "scoring.checklists[0].credit") in found


def test_the_questionnaire_vocabulary_names_the_analysis_rules():
    assert vocab.CHECKLIST_CREDITS == courtesy.CREDIT_RULES


def test_bundled_courtesy_checklists_score_as_before_on_both_pages():
    """The bundled staff-courtesy questionnaire: every checklist's evaluations score
    sum(points x (level - 1) / 4) over the rated points, on the courtesy pages and the results page."""
    from questionnaires import load_template
    from survey_app.results.report import score_loaded_wave

    q = load_template("staff_courtesy")
    for spec in checklist_specs(q):
        rng = np.random.default_rng(len(spec.items))
        levels = rng.integers(1, 6, (12, len(spec.items))).astype(float)
        levels[rng.random(levels.shape) < 0.1] = NAN
        points = np.array([i.points for i in spec.items])
        rated = ~np.isnan(levels)
        expected = (np.where(rated, (levels - 1) / 4, 0) @ points) / (rated @ points) * 100
        codes = [i.code for i in spec.items]
        page = score_checklists(q, [(r, {c: v for c, v in zip(codes, row, strict=True) if not np.isnan(v)})
                                    for r, row in enumerate(levels)])
        assert page[0].scores.total == pytest.approx(expected)
        result = score_loaded_wave(wave_data(levels, codes), q)
        mine = next(c for c in result.courtesy if c.code == spec.code)
        assert mine.score.value == pytest.approx(expected.mean())
