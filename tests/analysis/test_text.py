"""analysis.text: Kiwi morphology, log-odds keywords, emerging terms, topic and sentiment classifiers."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from analysis.text import (
    SENTIMENTS,
    Classifier,
    analyse,
    clean,
    data_file,
    default_classifiers,
    emerging,
    keywords,
    load_corpus,
    load_topics,
    load_user_dictionary,
    log_odds,
)

DEFAULT_TOPICS = ("delivery_delay", "loss_damage", "misdelivery", "staff_attitude", "fee_refund", "product_quality",
                  "order_return", "online_system", "praise", "other")


@pytest.fixture(scope="module")
def models():
    return default_classifiers()


def test_inflected_forms_share_one_content_word():
    """배달이 / 배달을 / 배달했는데 are one word, 배달; 늦어요 / 늦었는데 are 늦다."""
    found = analyse(["배달이 늦어요", "배달을 기다렸어요", "배달했는데 안 왔어요", "늦었는데 연락도 없었어요"])
    assert [a.content[0] for a in found[:3]] == ["배달", "배달", "배달"]
    assert "늦다" in found[0].content and "늦다" in found[3].content
    assert all("이" not in a.content and "을" not in a.content for a in found)
    assert analyse(["직원이 불친절했어요"])[0].content == ("직원", "불친절")  # not 친절: the prefix negates it


def test_sentences_and_postal_dictionary():
    """Sentences are split; postal terms from the user dictionary stay one word."""
    a = analyse(["우체국쇼핑에서 산 사과가 상했어요. 인터넷우체국 앱도 안 돼요"])[0]
    assert a.sentences == ("우체국쇼핑에서 산 사과가 상했어요.", "인터넷우체국 앱도 안 돼요")
    assert "우체국쇼핑" in a.content and "인터넷우체국" in a.content
    assert "우체국쇼핑/NNP" in a.morphemes
    words = {e.word for e in load_user_dictionary()}
    assert {"등기", "소포", "EMS", "우체국쇼핑", "반송", "환부", "집배원", "무인우체국", "알뜰폰"} <= words


def test_user_dictionary_file_is_checked(tmp_path):
    """A staff-extended dictionary line is read; a wrong tag is refused naming the word."""
    path = tmp_path / "dict.tsv"
    path.write_text("# comment\n우체국꽃배달\tNNP\t\t메모\n\n방문택배\tNNG\t1.5\n", encoding="utf-8")
    entries = load_user_dictionary(path)
    assert [(e.word, e.tag, e.score) for e in entries] == [("우체국꽃배달", "NNP", 0.0), ("방문택배", "NNG", 1.5)]
    path.write_text("우체국\tVV\n", encoding="utf-8")
    with pytest.raises(ValueError, match="우체국"):
        load_user_dictionary(path)


@pytest.mark.parametrize("text", ["", "   ", "😀😡👍", "ㅂㅐㄷㅏㄹ이 ㄴㅡㅈㅇㅓㅇㅛ", "EMS 3kg 20,000원 too expensive!!",
                                  "\x00\x07택배\x1b[31m\u200b\ufeff", "가나다" * 7000, None, 12345, "ㅋㅋㅋㅋ ㅠㅠ"])
def test_bad_input_is_analysed_without_error(text, models):
    """Empty, emoji, jamo typed one by one, mixed English/numbers, control characters, a 21,000-character
    paste, None and numbers: analysed and classified, never raising."""
    a = analyse([text])[0]
    assert "\x00" not in a.text and "\x1b" not in a.text and len(a.text) <= 5_000
    topic, sentiment = models
    assert topic.predict([text])[0].label in DEFAULT_TOPICS
    assert sentiment.predict([text])[0].label in SENTIMENTS


def test_jamo_typed_one_by_one_is_composed():
    assert clean("ㅂㅐㄷㅏㄹ이 ㄴㅡㅈㅇㅓㅇㅛ ㅋㅋㅋ") == "배달이 늦어요 ㅋㅋㅋ"
    assert analyse(["ㅂㅐㄷㅏㄹ이 ㄴㅡㅈㅇㅓㅇㅛ"])[0].content == ("배달", "늦다")
    assert analyse(["가" * 20_000])[0].truncated


def test_a_batch_with_bad_texts_keeps_every_position():
    texts = ["택배가 안 와요", "", "😀", None, "직원이 불친절해요"]
    found = analyse(texts)
    assert len(found) == 5 and found[0].content[0] == "택배" and found[4].content[0] == "직원"
    assert found[1].content == found[2].content == found[3].content == ()


def test_log_odds_match_a_hand_computation():
    """Monroe, Colaresi & Quinn (2008) eq. 16 and 20 worked by hand on a 3-word table.

    group counts (배달 6, 직원 1, 앱 3; n_i = 10), rest (배달 2, 직원 7, 앱 1; n_j = 10), prior α = (1, 2, 1), α0 = 4.
    배달: δ = log(7/7) − log(3/11) = log(11/3) = 1.299283; σ² = 1/7 + 1/3 = 0.476190; z = 1.882840.
    """
    delta, z = log_odds([6, 1, 3], [2, 7, 1], [1, 2, 1])
    hand_delta = [math.log(7 / 7) - math.log(3 / 11), math.log(3 / 11) - math.log(9 / 5),
                  math.log(4 / 10) - math.log(2 / 12)]
    hand_var = [1 / 7 + 1 / 3, 1 / 3 + 1 / 9, 1 / 4 + 1 / 2]
    np.testing.assert_allclose(delta, hand_delta, rtol=1e-12)
    np.testing.assert_allclose(z, np.array(hand_delta) / np.sqrt(hand_var), rtol=1e-12)
    assert round(float(z[0]), 6) == 1.882840


def test_keywords_rank_a_groups_own_words_first():
    """Per office, the word it uses far more than the others comes first; overall counts are raw counts."""
    docs = [["배달", "늦다"]] * 30 + [["직원", "불친절"]] * 5 + [["직원", "불친절"]] * 30 + [["배달", "늦다"]] * 5
    groups = ["가"] * 35 + ["나"] * 35
    report = keywords(docs, groups, min_count=1)
    assert {t.term: t.count for t in report.terms} == {"배달": 35, "늦다": 35, "직원": 35, "불친절": 35}
    assert report.groups["가"][0].term in ("배달", "늦다") and report.groups["가"][0].z > 1.96
    assert report.groups["나"][0].term in ("직원", "불친절") and report.groups["나"][0].count == 30
    with pytest.raises(ValueError, match="groups"):
        keywords(docs, groups[:3])


def test_emerging_finds_an_injected_rising_term_and_not_a_flat_one():
    """파업 goes from 1% of texts to 15%: found; 배달 stays at about half of the texts: not found."""
    rng = random.Random(7)
    common = ["배달", "직원", "요금", "앱", "친절", "포장"]

    def period(n: int, rising: float) -> list[list[str]]:
        docs = []
        for _ in range(n):
            doc = rng.sample(common[1:], 2) + (["배달"] if rng.random() < 0.5 else [])
            docs.append(doc + (["파업"] if rng.random() < rising else []))
        return docs

    periods = [period(300, 0.01), period(300, 0.01), period(300, 0.01), period(300, 0.15)]
    found = {t.term: t for t in emerging(periods)}
    assert "파업" in found and found["파업"].qvalue < 0.05 and found["파업"].rate_now > 5 * found["파업"].rate_before
    assert "배달" not in found
    with pytest.raises(ValueError, match="two periods"):
        emerging(periods[:1])


def test_topic_list_and_corpus_files():
    topics = load_topics()
    assert tuple(t.code for t in topics) == DEFAULT_TOPICS
    assert dict((t.code, t.name) for t in topics)["loss_damage"] == "분실·파손"
    corpus = load_corpus()
    assert len(corpus) >= 600 and {c.topic for c in corpus} == set(DEFAULT_TOPICS)
    heldout = {c.text for c in load_corpus(data_file("heldout.tsv"))}
    assert len(heldout) >= 100 and not heldout & {c.text for c in corpus}


def test_default_topic_model_on_the_held_out_set(models):
    """The held-out sentences (never trained or tuned on) are classified with macro-F1 above 0.8."""
    topic, sentiment = models
    held = load_corpus(data_file("heldout.tsv"))
    assert topic.score([c.text for c in held], [c.topic for c in held]).macro_f1 > 0.8
    assert sentiment.score([c.text for c in held], [c.sentiment for c in held]).macro_f1 > 0.7
    p = topic.predict(["택배가 일주일째 안 와요"])[0]
    assert p.label == "delivery_delay" and 0.5 < p.probability <= 1.0


def test_probabilities_sum_to_one(models):
    proba = models[0].predict_proba(["직원이 불친절했어요", "앱 로그인이 안 돼요"])
    assert proba.shape == (2, len(DEFAULT_TOPICS))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_classifier_round_trips_through_save_and_load(tmp_path, models):
    topic = models[0]
    path = tmp_path / "topic.joblib"
    topic.save(path)
    again = Classifier.load(path)
    texts = ["등기가 반송됐어요", "우체국쇼핑 귤이 썩었어요", "집배원님 감사합니다"]
    np.testing.assert_array_equal(again.predict_proba(texts), topic.predict_proba(texts))
    assert again.labels == topic.labels and again.names == topic.names
    (tmp_path / "junk.joblib").write_bytes(b"not a model")
    with pytest.raises(Exception):  # noqa: B017 - joblib's own error for a file that is no pickle
        Classifier.load(tmp_path / "junk.joblib")


def test_a_correction_changes_a_later_prediction(models):
    """Staff say 'EMS 통관이 늦어요' is about fees (관세) in their centre: after retraining, it is."""
    topic = models[0]
    text = "EMS 통관이 늦어요"
    before = topic.predict([text])[0]
    assert before.label != "fee_refund"
    after = topic.retrain([(text, "fee_refund")]).predict([text])[0]
    assert after.label == "fee_refund"
    assert topic.predict([text])[0] == before  # the original model is unchanged


def test_classifier_refuses_bad_training_data():
    model = Classifier(("a", "b"))
    with pytest.raises(ValueError, match="at least two"):
        model.fit(["x", "y", "z"], ["a", "a", "b"])
    with pytest.raises(ValueError, match="not in this classifier"):
        model.fit(["x", "y"], ["a", "c"])
    with pytest.raises(ValueError, match="not trained"):
        model.predict(["x"])


def test_word_ids_take_and_count_as_the_word_lists_do():
    """WordIds (the report's compact form) gives the matrix, keywords and emerging words of the same texts as lists."""
    from analysis.text import WordIds, emerging, keywords
    from analysis.text.keywords import _matrix

    docs = [["배달", "늦다"], [], ["직원", "불친절", "직원"], ["배달", "파손"], ["파손", "상자", "배달"]] * 4
    held = WordIds.of(docs)
    rows = np.array([4, 2, 3, 0, 9, 14])
    taken = held.take(rows)
    expected, words = _matrix([docs[i] for i in rows])
    m, found = taken.matrix()
    assert found == words == ["파손", "상자", "배달", "직원", "불친절", "늦다"]
    assert (m != expected).nnz == 0 and held.take(np.zeros(len(docs), dtype=bool)).matrix()[0].shape == (0, 0)
    labels = ["a", "b", "a", "b", "a", "b"]
    assert keywords(taken, labels, min_count=1) == keywords([docs[i] for i in rows], labels, min_count=1)
    before, now = [["배달"]] * 30, [["파손", "배달"]] * 10
    assert emerging([WordIds.of(before), WordIds.of(now)]) == emerging([before, now])
    assert emerging([WordIds.of(before), WordIds.of(now)])[0].term == "파손"
    grown = WordIds.of(docs[:7]).extend(docs[7:])
    assert grown.words[:len(held.words)] == held.words and (grown.matrix()[0] != held.matrix()[0]).nnz == 0
    assert WordIds.of([]).extend([["배달"], []]).matrix()[1] == ["배달"]
