"""Importance-performance quadrant names for staff pages, in the viewer's language.

``analysis.drivers.QUADRANTS`` keeps one fixed Korean name with an English gloss (the CLI and the
workbook use it, and analysis never imports Flask); pages show these translated names instead.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: (high importance, high performance) -> name (Martilla & James 1977).
QUADRANT_NAMES = {
    (True, True): _l("유지 강화"),
    (True, False): _l("집중 개선"),
    (False, False): _l("점진 개선"),
    (False, True): _l("과잉 투자"),
}


#: Shown instead of a quadrant when the data do not separate the dimension from the average.
UNSETTLED = _l("판단 보류")


def quadrant_name(high_importance: bool, high_performance: bool, settled: bool = True) -> str:
    """The quadrant's name on a staff page: '집중 개선' in Korean, 'Concentrate here' in English;
    '판단 보류' when importance or performance is not significantly away from the average."""
    if not settled:
        return str(UNSETTLED)
    return str(QUADRANT_NAMES[(bool(high_importance), bool(high_performance))])
