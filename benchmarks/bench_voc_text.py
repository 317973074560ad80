"""Benchmark: Korean VOC text analysis (analysis.text + the app's stored report), with baselines in the same run.

1. Throughput on this machine's cores, typical answers of 1-3 sentences (built from the seed corpus):
   * ``kiwi.tokenize`` — Kiwi's own batch tokenizer on the same texts (the baseline);
   * ``analyse`` — cleaning, Kiwi, sentences, content words and name masking;
   * ``analyse + topic + sentiment`` — what the app's job does per text (two calibrated classifiers).
2. Memory per worker: peak RSS of a fresh process that loads Kiwi and both models and analyses the texts.
3. The stored report: ``survey_app.voc.report.wave_voc`` over N stored analysed answers of a wave plus N/2 of
   an earlier wave (themes, quotes, word counts, log-odds per office, emerging words), beside a bare
   baseline (one SELECT of the wave's token strings and a Counter over them). A first view (the cache emptied,
   as in a new process) reads the waves' stored word ids into compact arrays (``survey_app/voc/frames.py``); a
   next view finds them kept until their analyses change. ``--report-only`` runs just this part.
4. Classification: stratified 5-fold cross-validated macro-F1 of the default topic and sentiment models on the
   seed corpus, and F1 per topic on the held-out set (trained on the whole seed corpus, never tuned on).

Usage::

    python benchmarks/bench_voc_text.py                                 # 5,000 texts, report over 100,000
    python benchmarks/bench_voc_text.py --texts 200 --stored 2000 --folds 2 --no-docs   # smoke
    python benchmarks/bench_voc_text.py --database-url postgresql://postgres@127.0.0.1/bench_voc  # PG (emptied!)
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench_voc_text:start -->", "<!-- bench_voc_text:end -->"


def typical_texts(n: int, seed: int = 1) -> list[str]:
    """Answers of one to three sentences from the seed corpus, as customers write them."""
    from analysis.text import load_corpus

    sentences = [c.text for c in load_corpus()]
    rng = random.Random(seed)
    return [" ".join(rng.choice(sentences) + rng.choice((".", "", "!", " ㅠㅠ")) for _ in range(rng.choice((1, 1, 2, 3))))
            for _ in range(n)]


def _rate(work, texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def throughput(n: int, repeat: int) -> dict:
    """Texts per second of Kiwi's tokenize, analyse, and analyse + both classifiers on the same texts."""
    from analysis.text import analyse, default_classifiers, get_kiwi

    texts = typical_texts(n)
    kiwi = get_kiwi()
    topic, sentiment = default_classifiers()
    analyse(texts[:50])

    def full(batch):
        found = analyse(batch)
        topic.predict(found)
        sentiment.predict(found)

    return {"n": n, "kiwi": _rate(lambda b: list(kiwi.tokenize(b)), texts, repeat),
            "analyse": _rate(analyse, texts, repeat), "full": _rate(full, texts, repeat)}


WORKER = """
import resource, sys
sys.path.insert(0, sys.argv[2])
from benchmarks.bench_voc_text import typical_texts
from analysis.text import analyse, default_classifiers, get_kiwi
texts = typical_texts(int(sys.argv[1]))
if sys.argv[3] == "kiwi":
    list(get_kiwi().tokenize(texts))
else:
    topic, sentiment = default_classifiers()
    found = analyse(texts)
    topic.predict(found); sentiment.predict(found)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def worker_memory(n: int, mode: str) -> float:
    """Peak RSS in MB of a fresh process that classifies ``n`` texts (``full``) or only tokenizes them (``kiwi``)."""
    out = subprocess.run([sys.executable, "-c", WORKER, str(n), str(ROOT), mode], capture_output=True, text=True,
                         check=True, timeout=900)
    return float(out.stdout.strip().splitlines()[-1])


def classification(folds: int) -> dict:
    """Cross-validated macro-F1 (topic, sentiment) on the seed corpus and held-out F1 per topic."""
    from analysis.text import data_file, default_classifiers, load_corpus
    from analysis.text.morph import analyse

    corpus, held = load_corpus(), load_corpus(data_file("heldout.tsv"))
    topic, sentiment = default_classifiers()
    analysed = analyse([c.text for c in corpus])
    return {"n": len(corpus), "held_n": len(held), "folds": folds,
            "topic_cv": topic.evaluate(analysed, [c.topic for c in corpus], folds=folds),
            "sentiment_cv": sentiment.evaluate(analysed, [c.sentiment for c in corpus], folds=folds),
            "topic_held": topic.score([c.text for c in held], [c.topic for c in held]),
            "sentiment_held": sentiment.score([c.text for c in held], [c.sentiment for c in held]),
            "names": topic.names}


def _seed(app, n: int) -> int:
    """A survey with an earlier wave (n/2 analysed answers) and a current one (n), 40 offices; the current wave id."""
    from sqlalchemy import insert, text

    from analysis.text import analyse, default_classifiers
    from survey_app.database import db
    from survey_app.models import Answer, OrgLevel, OrgUnit, Response, Survey, TextAnalysis, Wave
    from survey_app.voc.vocabulary import pack_words

    pool = typical_texts(3000, seed=2)
    found = analyse(pool)
    topic, sentiment = default_classifiers()
    topics, feelings = topic.predict(found), sentiment.predict(found)
    rng = random.Random(3)
    with app.app_context():
        region = OrgUnit(code="R-B", name="벤치지방우정청", level=OrgLevel.REGIONAL)
        offices = [OrgUnit(code=f"P-B{i}", name=f"벤치{i}우체국", level=OrgLevel.OFFICE, parent=region) for i in range(40)]
        survey = Survey(code="BENCH-VOC", title="VOC 벤치", kind="customer_satisfaction",
                        draft_definition={"code": "BV", "sections": []})
        db.session.add_all([region, *offices, survey])
        version = survey.publish({"code": "BV", "kind": "customer_satisfaction", "title": {"ko": "VOC 벤치"},
                                  "hidden": [{"code": "office_code", "type": "hidden"}],
                                  "sections": [{"code": "S1", "title": {"ko": "의견"}, "questions": [
                                      {"code": "Q1", "type": "long_text", "text": {"ko": "의견"}}]}]})
        now = datetime.now(UTC)
        waves = [Wave(code=f"BW{k}", name=f"벤치 {k}차", survey=survey, version=version, state="closed",
                      opens_at=now - timedelta(days=180 - 90 * k)) for k in range(2)]
        db.session.add_all(waves)
        db.session.flush()
        codes = [o.code for o in offices]
        word_ids = pack_words([a.content for a in found])  # as the job stores them (text_words ids)
        for wave, count in ((waves[0], n // 2), (waves[1], n)):
            for start in range(0, count, 10_000):
                size = min(10_000, count - start)
                picks = [rng.randrange(len(pool)) for _ in range(size)]
                when = [wave.opens_at + timedelta(minutes=rng.randrange(80 * 24 * 60)) for _ in range(size)]
                rids = db.session.scalars(insert(Response).returning(Response.id, sort_by_parameter_order=True), [
                    {"wave_id": wave.id, "version_id": version.id, "status": "complete", "started_at": w,
                     "finished_at": w, "hidden": {"office_code": rng.choice(codes)}} for w in when]).all()
                db.session.execute(insert(Answer), [
                    {"response_id": r, "question_code": "Q1", "position": 0, "value_text": pool[p]}
                    for r, p in zip(rids, picks, strict=True)])
                db.session.execute(insert(TextAnalysis), [  # an answer is named by its response and question
                    {"source_kind": "answer", "source_id": r, "source_code": "Q1", "wave_id": wave.id, "arrived_at": w,
                     "topic": topics[p].label, "topic_probability": topics[p].probability,
                     "sentiment": feelings[p].label, "sentiment_probability": feelings[p].probability,
                     "tokens": " ".join(found[p].content), "word_ids": word_ids[p], "quote": found[p].redacted()[:300],
                     "model": "seed",
                     "analysed_at": w} for r, p, w in zip(rids, picks, when, strict=True)])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # statistics, as autovacuum keeps them (bench_analysis_report too)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE responses, answers, text_analyses, text_words"))
        return waves[1].id


def stored_report(url: str | None, n: int, repeat: int) -> dict:
    """Seconds of wave_voc over n stored analyses (+ n/2 earlier) and of a bare SELECT + Counter baseline."""
    from sqlalchemy import select

    from survey_app import create_app, migrate
    from survey_app.database import db
    from survey_app.models import TextAnalysis, Wave
    from survey_app.voc import frames
    from survey_app.voc.report import wave_voc

    folder = tempfile.mkdtemp()
    if url:
        from benchmarks.bench_analysis_report import reset_database
        from survey_app.config import database_url

        url = database_url(url, "")
        reset_database(url)
    app = create_app({"DATABASE_URL": url or f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench",
                      "INSTANCE_PATH": folder})
    with app.app_context():
        migrate.upgrade(db.engine)
    wave_id = _seed(app, n)
    cold, warm, bare = [], [], float("inf")
    with app.app_context():
        for _ in range(repeat):  # a first view reads the waves (as in a new process); the next one finds them kept
            with frames._lock:
                frames._kept.clear()
            for views in (cold, warm):
                db.session.expire_all()
                start = time.perf_counter()
                report = wave_voc(db.session.get(Wave, wave_id))
                views.append(time.perf_counter() - start)
            start = time.perf_counter()
            counts = Counter()
            for (tokens,) in db.session.execute(select(TextAnalysis.tokens).where(TextAnalysis.wave_id == wave_id)
                                                .execution_options(yield_per=20_000)):
                counts.update(tokens.split())
            bare = min(bare, time.perf_counter() - start)
        assert report.n == n and report.terms[0].count == counts.most_common(1)[0][1]
    app.extensions["survey_engine"].dispose()
    return {"n": n, "cold": max(cold), "ours": max(warm), "cold_all": cold, "warm_all": warm, "bare": bare,
            "backend": "PostgreSQL" if url else "SQLite",
            "emerging": len(report.emerging), "offices": len(report.offices)}


def lines(speed: dict, memory: tuple[float, float], report: dict, quality: dict) -> list[str]:
    """The results as Markdown."""
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    out = [f"Measured {datetime.now():%Y-%m-%d} on {os.cpu_count()} CPU(s), Python {platform.python_version()}; "
           f"load average at the end {load} (other engineers' runs share the machine).", "",
           f"| work ({speed['n']:,} answers of 1-3 sentences) | texts/s | ratio to Kiwi's tokenize | target |",
           "|---|---:|---:|---|",
           f"| `kiwi.tokenize` (baseline, same texts) | {speed['kiwi']:,.0f} | 1.00 | |",
           f"| `analyse` (clean, Kiwi, sentences, content words, names) | {speed['analyse']:,.0f} | "
           f"{speed['analyse'] / speed['kiwi']:.2f} | |",
           f"| `analyse` + topic + sentiment (the job) | {speed['full']:,.0f} | {speed['full'] / speed['kiwi']:.2f} | "
           f"≥ 400 texts/s |", "",
           f"Peak memory of one worker (Kiwi model, both classifiers, {speed['n']:,} texts): **{memory[0]:,.0f} MB** "
           f"(target ≤ 500 MB); a process that only runs Kiwi's tokenize on the same texts: {memory[1]:,.0f} MB.", "",
           f"| stored report ({report['backend']}) | ours s | bare SELECT + Counter s | ratio | target |",
           "|---|---:|---:|---:|---|",
           f"| `wave_voc`, first view (reads the waves; slowest of {len(report['cold_all'])}): {report['n']:,} analysed "
           f"answers + {report['n'] // 2:,} earlier ({report['offices']} offices shown, {report['emerging']} emerging "
           f"words) | {report['cold']:.2f} | {report['bare']:.2f} | {report['cold'] / report['bare']:.1f}× | ≤ 3 s |",
           f"| `wave_voc`, next view (waves kept in memory until their analyses change; slowest of "
           f"{len(report['warm_all'])}) | {report['ours']:.2f} | "
           f"{report['bare']:.2f} | {report['ours'] / report['bare']:.1f}× | ≤ 3 s |", "",
           f"Classification, seed corpus of {quality['n']} sentences, stratified {quality['folds']}-fold CV: topic "
           f"macro-F1 **{quality['topic_cv'].macro_f1:.3f}** (target ≥ 0.85), sentiment macro-F1 "
           f"{quality['sentiment_cv'].macro_f1:.3f}. Held-out set ({quality['held_n']} sentences, never trained or "
           f"tuned on): topic macro-F1 **{quality['topic_held'].macro_f1:.3f}**, sentiment "
           f"{quality['sentiment_held'].macro_f1:.3f}.", "",
           "| topic | CV F1 | held-out F1 |", "|---|---:|---:|"]
    for code in quality["topic_cv"].labels:
        out.append(f"| {quality['names'].get(code, code)} (`{code}`) | {quality['topic_cv'].f1[code]:.2f} | "
                   f"{quality['topic_held'].f1[code]:.2f} |")
    return out


def write_docs(text: list[str]) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    body = path.read_text(encoding="utf-8")
    block = "\n".join([START, "## VOC text analysis (`benchmarks/bench_voc_text.py`)", "", *text, "",
                       "Smoke run: `python benchmarks/bench_voc_text.py --texts 200 --stored 2000 --folds 2 "
                       "--no-docs`.", END])
    if START in body:
        body = body[:body.index(START)] + block + body[body.index(END) + len(END):]
    else:
        body = body.rstrip() + "\n\n" + block + "\n"
    path.write_text(body, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=5000, help="answers for the throughput runs")
    parser.add_argument("--stored", type=int, default=100_000, help="stored analysed answers in the reported wave")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best is kept")
    parser.add_argument("--database-url", default=None, help="PostgreSQL database to EMPTY and use (default: SQLite)")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--report-only", action="store_true",
                        help="only the stored report against its bare baseline (no docs written)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.report_only:
        print(f"load average before: {' / '.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)
        print(f"stored report: {stored_report(args.database_url, args.stored, args.repeat)}", flush=True)
        print(f"load average after: {' / '.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)
        return
    speed = throughput(args.texts, args.repeat)
    print(f"throughput: {speed}", flush=True)
    memory = (worker_memory(args.texts, "full"), worker_memory(args.texts, "kiwi"))
    print(f"worker peak RSS MB (full, Kiwi only): {memory[0]:.0f}, {memory[1]:.0f}", flush=True)
    report = stored_report(args.database_url, args.stored, args.repeat)
    print(f"stored report: {report}", flush=True)
    quality = classification(args.folds)
    text = lines(speed, memory, report, quality)
    print("\n".join(text))
    if not args.no_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
