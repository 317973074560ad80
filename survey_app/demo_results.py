"""The demo's targets per index and its population margins, so the results page shows both at work.

Targets are set as a CS team would after seeing last quarter: round numbers, some the latest wave clearly
met, one it clearly missed and one its interval cannot decide. The margins are the customers' make-up by
region, age band and customer type (shares rounded from the demo's own model of post-office customers,
with older customers and individuals a little more common than among respondents, as in real surveys).
"""
from __future__ import annotations

import math

from sqlalchemy import select

from .database import db
from .demo_surveys import MAIN_SURVEY
from .models import Survey, Wave
from .results.build import survey_waves, wave_result
from .results.operations import save_targets, save_weighting
from .results.settings_views import known_categories
from .results.targets import DIMENSION, INDEX, Measure

REGION_SHARES = {"R-SEOUL": 19.0, "R-GYEONGIN": 30.0, "R-BUSAN": 15.0, "R-CHUNGCHEONG": 10.5, "R-JEONNAM": 6.5,
                 "R-GYEONGBUK": 9.5, "R-JEONBUK": 4.0, "R-GANGWON": 3.5, "R-JEJU": 2.0}
AGE_SHARES = {"만 19세 이하": 2.0, "20대": 8.0, "30대": 12.0, "40대": 17.0, "50대": 22.0, "60대": 22.0, "70세 이상": 17.0}
CUSTOMER_SHARES = {"individual": 85.0, "business": 15.0}
SOURCE = "데모: 2025년 우편 창구 이용 고객 구성 (지역·연령대·고객 구분, 반올림)"


def _margins(known: dict[str, dict[str, str]]) -> dict[str, dict[str, float]]:
    """The demo's shares for each variable whose categories are exactly those found in the answers."""
    by_name = {"region": REGION_SHARES, "age_band": AGE_SHARES, "customer_type": CUSTOMER_SHARES}
    margins = {}
    for variable, shares in by_name.items():
        levels = known.get(variable, {})
        if levels and set(levels) == set(shares):
            margins[variable] = dict(shares)
    return margins


def _targets(wave: Wave) -> dict[Measure, float]:
    """Round targets around the wave's scores: the headline and the best dimensions met, the weakest dimension
    missed, one dimension undecided (its interval holds the target)."""
    result = wave_result(wave)
    targets: dict[Measure, float] = {}
    for index in result.indices:
        targets[Measure(INDEX, index.code, index.name)] = float(math.floor(index.score.ci_low) - 1)
    dims = sorted((d for d in result.dimensions if math.isfinite(d.score.value)), key=lambda d: d.score.value)
    if len(dims) >= 3:
        weakest, middle, best = dims[0], dims[len(dims) // 2], dims[-1]
        targets[Measure(DIMENSION, weakest.code, weakest.name)] = float(math.ceil(weakest.score.ci_high) + 1)
        targets[Measure(DIMENSION, middle.code, middle.name)] = float(round(middle.score.value))
        targets[Measure(DIMENSION, best.code, best.name)] = float(math.floor(best.score.ci_low) - 2)
    return targets


def seed_result_settings() -> bool:
    """Targets and margins for the demo survey, unless it has some; returns whether they were added."""
    survey = db.session.scalar(select(Survey).where(Survey.code == MAIN_SURVEY))
    if survey is None or not survey_waves(survey.id):
        return False
    waves = survey_waves(survey.id)
    save_targets(survey, None, _targets(waves[-1]), None)
    margins = _margins(known_categories(survey))
    if margins:
        save_weighting(survey, enabled=True, margins=margins, source=SOURCE, updated_by_id=None)
    db.session.flush()
    return True
