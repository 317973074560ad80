"""Korean particles chosen from the word they follow (questionnaires.korean).

The expected spellings are those of 국립국어원 표준국어대사전's rules for 조사: a final consonant (받침)
takes 은/이/을/과/으로, none takes 는/가/를/와/로, and ㄹ takes 로; numbers and Latin letters as read aloud.
"""
import pytest

from questionnaires.korean import particle, resolve_particles, with_particle


@pytest.mark.parametrize(("word", "which", "expected"), [
    ("Q2", "을", "Q2를"), ("Q1", "을", "Q1을"), ("Q3", "을", "Q3을"), ("Q10", "이", "Q10이"),
    ("버전 1", "으로", "버전 1로"), ("버전 2", "으로", "버전 2로"), ("버전 3", "으로", "버전 3으로"),
    ("버전 6", "으로", "버전 6으로"), ("버전 10", "으로", "버전 10으로"), ("20", "으로", "20으로"),
    ("100", "은", "100은"), ("1000", "을", "1000을"), ("10000", "이", "10000이"), ("0", "을", "0을"),
    ("서울", "으로", "서울로"), ("부산", "으로", "부산으로"), ("대구", "으로", "대구로"),
    ("문항", "은", "문항은"), ("쪽", "와", "쪽과"), ("차수", "와", "차수와"), ("차수", "이", "차수가"),
    ("SQ", "을", "SQ를"), ("URL", "을", "URL을"), ("PCSI", "이", "PCSI가"), ("Room", "은", "Room은"),
    ("'광화문'", "은", "'광화문'은"), ("3.5", "이", "3.5가"),
])
def test_particle_follows_the_final_sound(word, which, expected):
    assert with_particle(word, which) == expected


def test_any_spelling_names_the_same_particle():
    assert particle("Q2", "를") == particle("Q2", "을") == "를"
    assert particle("P3", "로") == "으로"


def test_an_unreadable_word_keeps_the_double_form():
    assert particle("★", "을") == "을(를)"
    assert particle("", "으로") == "(으)로"


def test_double_forms_in_a_sentence_are_resolved():
    text = "문항 Q2을(를) 저장했습니다. 버전 1(으)로 고정되고 쪽 P3이(가) 바뀌며 Q1와(과) Q4은(는) 그대로입니다."
    assert resolve_particles(text) == "문항 Q2를 저장했습니다. 버전 1로 고정되고 쪽 P3이 바뀌며 Q1과 Q4는 그대로입니다."


def test_a_sentence_without_double_forms_is_unchanged():
    assert resolve_particles("Saved question Q2 (version 1).") == "Saved question Q2 (version 1)."


def test_closing_quotes_and_html_entities_are_looked_through():
    assert resolve_particles("&#39;Q2&#39;을(를) 지웠습니다") == "&#39;Q2&#39;를 지웠습니다"
    assert resolve_particles("‘봄 조사’은(는) 끝났습니다") == "‘봄 조사’는 끝났습니다"
