"""Word frequencies of Korean open-ended answers: particles and endings stripped, function words dropped."""
from __future__ import annotations

import pytest

from exports.korean import tokens, word_frequencies


@pytest.mark.parametrize("text, expected", [
    ("직원분이 너무 친절했어요!", ["직원분", "친절"]),
    ("대기 시간이 너무 길었어요", ["대기", "시간", "길다"]),
    ("우체국에서는 택배 접수가 빨랐습니다", ["우체국", "택배", "접수", "빠르다"]),
    ("창구 직원의 안내가 불친절합니다", ["창구", "직원", "안내", "불친절"]),
    ("처리되었습니다 감사합니다", ["처리"]),
    ("주차장이 좁고 불편해요", ["주차장", "좁다", "불편"]),
    ("만족스러웠습니다", ["만족"]),
    ("택배를 보내는데 오래 걸렸어요", ["택배", "오래", "걸리다"]),
    ("ＡＰＰ 사용이 어려워요", ["app", "사용", "어렵다"]),
    ("연락처 010-****-5678로 주세요", ["연락처"]),
    ("", []),
])
def test_tokens(text, expected):
    assert tokens(text) == expected


def test_word_frequencies_count_words_answers_and_phrases():
    texts = ["대기 시간이 길었어요", "대기 시간이 너무 길어요. 대기 싫어요", "직원분이 친절해요", None]
    counts = {(w.text, w.kind): (w.count, w.answers) for w in word_frequencies(texts)}
    assert counts[("대기", "단어")] == (3, 2)
    assert counts[("시간", "단어")] == (2, 2)
    assert counts[("대기 시간", "구")] == (2, 2)
    assert ("친절", "구") not in counts  # phrases need two answers


def test_most_frequent_first_and_limited():
    texts = ["택배 택배 택배 우체국", "우체국 창구"] * 3
    ranked = word_frequencies(texts, top=2, phrases=0)
    assert [(w.text, w.count) for w in ranked] == [("택배", 9), ("우체국", 6)]
