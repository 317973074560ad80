"""Benchmark: respondent traffic under gunicorn + PostgreSQL, beside a bare Flask app in the same run.

What it does, all on 127.0.0.1:

1. a PostgreSQL schema of its own (``bench_respondent``, dropped and recreated) in the database
   given, migrated, with a one-section survey of 30 seven-point questions in an open wave and one
   personal invitation per final submission to be sent;
2. each invitation's browser session prepared offline, as the app itself would make it when the
   personal link is opened (the signed session cookie holding the visit, and the page's CSRF token);
3. the survey app (``survey-app serve``, as operators run it, access log off like the bare app's), the bare app
   (``benchmarks/bare_app.py``) and the naive equal-work app (``benchmarks/naive_app.py``: Flask + Flask-WTF +
   SQLAlchemy Core storing the same 1 + 30 rows) under gunicorn with the same settings (sync workers,
   2 x cores unless ``--workers``);
4. wrk (Debian's ``wrk``; ``benchmarks/respondent.lua``) for ``--seconds`` per scenario at
   ``--clients`` connections after a five-second warm-up (a freshly started worker is slow for its first
   requests on a loaded machine): GET of the 30-question page (with and without ``Accept-Encoding: gzip,
   br``), the bare template render, the naive app's page, the final POST of 30 answers with a different
   respondent each time, the naive app's POST of the same 30 answers, and the bare one-row insert; the
   1-minute load average is read before each round and the ratios are given per round (the machine is shared);
   a round passes through the scenarios ``--slices`` times, so a slowdown lasting seconds weighs on both apps;
   each scenario starts once the machine has gone quiet after the one before (:func:`settle`): the
   requests wrk leaves in flight when it stops are still served, and the naive page's (17 ms each) would
   otherwise run inside the next scenario's time;
5. a check that every final POST wrk counted made exactly one complete response with 30 answers;
6. the page weight (HTML and assets as transferred with gzip) and a table with the ratios,
   printed and written to ``docs/benchmarks.md`` (its own section) with the machine's description;
7. the same requests one at a time in one process (Flask test client), and there also a later page's
   save (page 2 of a three-page copy of the survey, after page 1), which the wrk scenarios leave out;
8. where PostgreSQL spends a POST's writes: ``EXPLAIN (ANALYZE, BUFFERS, WAL)`` of the response and answer
   INSERTs of one response, ours and the naive app's, and the size of every index on the answers table.

Usage::

    python benchmarks/bench_respondent.py                       # 24 s per scenario, 32 clients
    python benchmarks/bench_respondent.py --seconds 2 --rounds 1 --clients 4 --respondents 2000 --no-docs  # smoke
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/survey_bench python benchmarks/bench_respondent.py
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

from benchmarks.respondent_report import DOC, machine, table, write_section  # noqa: E402

SCHEMA = "bench_respondent"
DEFAULT_URL = "postgresql://postgres@127.0.0.1/survey_bench"
SECRET = "bench-respondent-secret"
LUA = Path(__file__).with_name("respondent.lua")
WARMUP_SECONDS = 5
IN_PROCESS_SPARE = 240  # respondents kept back for the in-process measurement (20 readers, 220 writers)
IN_PROCESS_PAGED = 210  # respondents of the three-page survey (200 timed page saves and 10 warm-up ones)


def thirty_questions() -> dict:
    """The questionnaire: one page of 30 seven-point questions with a 'don't know' option."""
    questions = [{"code": f"Q{i}", "type": "likert", "scale": "agree7",
                  "text": {"ko": f"우체국 직원은 고객의 요청을 정확하게 처리하였습니까? ({i})"}} for i in range(1, 31)]
    labels = [{"value": 1, "label": {"ko": "전혀 그렇지 않다"}}, {"value": 4, "label": {"ko": "보통이다"}},
              {"value": 7, "label": {"ko": "매우 그렇다"}}]
    return {"code": "BENCH30", "version": 1, "kind": "customer_satisfaction", "title": {"ko": "30문항 만족도 조사"},
            "scales": {"agree7": {"points": 7, "labels": labels, "na": {"value": 9, "label": {"ko": "모름/해당없음"}}}},
            "sections": [{"code": "S1", "title": {"ko": "서비스 평가"}, "questions": questions}]}


# -- database -----------------------------------------------------------------------------------
def schema_url(base: str) -> str:
    """``base`` (postgresql://...) as the app's URL, with the benchmark schema first on the search path."""
    from survey_app.config import database_url

    url = database_url(base, "")
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"


def prepare_database(base: str) -> str:
    """Drop and recreate the benchmark schema, migrate it, add the bare app's table; returns its URL."""
    from survey_app.config import database_url

    engine = create_engine(database_url(base, ""))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    engine.dispose()
    url = schema_url(base)
    from benchmarks.bare_app import metadata
    from benchmarks.naive_app import metadata as naive_metadata
    from survey_app import migrate

    engine = create_engine(url)
    migrate.upgrade(engine)
    metadata.create_all(engine)
    naive_metadata.create_all(engine)
    engine.dispose()
    return url


def make_app(url: str, instance: str):
    """The survey app as the benchmark's gunicorn workers configure it."""
    from survey_app import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": instance})


def three_pages() -> dict:
    """The same 30 questions on three pages of ten (for a later page's save: page 2 of 3)."""
    definition = thirty_questions()
    questions = definition["sections"][0]["questions"]
    definition["code"] = "BENCH30P"
    definition["sections"] = [{"code": f"S{page + 1}", "title": {"ko": f"서비스 평가 {page + 1}"},
                               "questions": questions[page * 10:page * 10 + 10]} for page in range(3)]
    return definition


def seed(app, respondents: int, definition: dict | None = None, code: str = "BENCH30") -> tuple[str, int, list[int]]:
    """The survey, an open wave and ``respondents`` invitations: (wave code, wave id, invitation ids)."""
    from questionnaires import Questionnaire
    from survey_app.database import db
    from survey_app.models import Invitation, Survey, Wave, new_token, utcnow

    with app.app_context():
        survey = Survey(code=code, title="30문항 성능 측정", kind="customer_satisfaction", draft_definition={})
        version = survey.publish(Questionnaire.from_dict(definition or thirty_questions()).to_dict())
        wave = Wave(code=f"{code}-1", name="성능 측정", survey=survey, version=version, state="open")
        db.session.add_all([survey, wave])
        db.session.flush()
        # Opened, as following the personal link records (prepared_sessions stands in for that request).
        rows = [{"wave_id": wave.id, "token_hash": new_token()[1], "channel": "sms", "opened_at": utcnow()}
                for _ in range(respondents)]
        db.session.execute(insert(Invitation), rows)
        ids = list(db.session.scalars(select(Invitation.id).where(Invitation.wave_id == wave.id).order_by(Invitation.id)))
        db.session.commit()
        return wave.code, wave.id, ids


def prepared_sessions(app, wave_code: str, invitation_ids: list[int]) -> list[str]:
    """For each invitation, the cookie and CSRF token its browser holds after opening the personal link."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from survey_app.respond.state import Visit, save_visit

    serializer = app.session_interface.get_signing_serializer(app)
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    lines = []
    for invitation_id in invitation_ids:
        with app.test_request_context(f"/r/{wave_code}"):
            save_visit(Visit(wave=wave_code, invitation_id=invitation_id))
            token = generate_csrf()
            lines.append(f"{cookie_name}={serializer.dumps(dict(session))} {urllib.parse.quote(token, safe='')}")
    return lines


def stored_outcome(url: str, wave_id: int) -> dict:
    """Complete and partial responses of the wave, answers per complete response, duplicates."""
    engine = create_engine(url)
    with engine.connect() as conn:
        by_status = dict(conn.execute(text(
            "SELECT status, count(*) FROM responses WHERE wave_id = :w GROUP BY status"), {"w": wave_id}).all())
        answer_counts = conn.execute(text(
            "SELECT count(a.response_id) FROM responses r LEFT JOIN answers a ON a.response_id = r.id "
            "WHERE r.wave_id = :w AND r.status = 'complete' GROUP BY r.id"), {"w": wave_id}).scalars().all()
        bare = conn.execute(select(func.count()).select_from(text("bare_rows"))).scalar_one()
        sizes = conn.execute(text(
            "SELECT pg_total_relation_size('answers') + pg_total_relation_size('responses'), "
            "pg_total_relation_size('invitations'), (SELECT count(*) FROM invitations)")).one()
        indexes = conn.execute(text(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid IN ('answers'::regclass, 'responses'::regclass) ORDER BY 1")).all()
        heap = conn.execute(text("SELECT pg_relation_size('answers')")).scalar_one()
    engine.dispose()
    complete = by_status.get("complete", 0)
    return {"complete": complete, "partial": by_status.get("partial", 0), "answers": sorted(set(answer_counts)),
            "bare_rows": bare, "bytes_per_response": sizes[0] / max(complete, 1),
            "bytes_per_invitation": sizes[1] / max(sizes[2], 1),
            "answers_heap": heap / max(complete, 1),
            "indexes": [(name, size / max(complete, 1)) for name, size in indexes]}


def _explain_wal(conn, sql: str, params: dict) -> tuple[float, float, float]:
    """WAL records, WAL bytes and shared buffers dirtied of one statement (EXPLAIN ANALYZE BUFFERS WAL)."""
    plan = conn.execute(text(f"EXPLAIN (ANALYZE, BUFFERS, WAL, FORMAT JSON) {sql}"), params).scalar_one()[0]["Plan"]
    return plan.get("WAL Records", 0), plan.get("WAL Bytes", 0), plan.get("Shared Dirtied Blocks", 0)


OURS_RESPONSE = ("INSERT INTO responses (wave_id, version_id, invitation_id, channel, hidden, started_at, finished_at, "
                 "last_page, status) SELECT :wave, version_id, :inv, 'sms', '{}'::jsonb, now(), now(), 1, 'complete' "
                 "FROM waves WHERE id = :wave RETURNING id")
OURS_ANSWERS = ("INSERT INTO answers (response_id, question_code, position, value_num, choice, value_text) "
                "SELECT :rid, 'Q' || g, 0, g % 7 + 1, (g % 7 + 1)::text, NULL FROM generate_series(1, 30) g")
NAIVE_RESPONSE = ("INSERT INTO naive_responses (survey, status, finished_at) VALUES ('BENCH30', 'complete', now()) "
                  "RETURNING id")
NAIVE_ANSWERS = ("INSERT INTO naive_answers (response_id, question_code, value_num) "
                 "SELECT :rid, 'Q' || g, g % 7 + 1 FROM generate_series(1, 30) g")


def wal_per_response(url: str, wave_id: int, invitation_ids: list[int]) -> dict:
    """Mean WAL records, WAL bytes and dirtied buffers of one response's INSERTs, ours and the naive app's,
    over ``len(invitation_ids)`` responses each, in a transaction that is rolled back."""
    engine = create_engine(url)
    totals = {"ours": [0.0, 0.0, 0.0], "naive": [0.0, 0.0, 0.0]}
    with engine.connect() as conn:
        for inv in invitation_ids:
            parts = [_explain_wal(conn, OURS_RESPONSE, {"wave": wave_id, "inv": inv})]
            rid = conn.execute(text("SELECT currval(pg_get_serial_sequence('responses', 'id'))")).scalar_one()
            parts.append(_explain_wal(conn, OURS_ANSWERS, {"rid": rid}))
            totals["ours"] = [t + sum(p[i] for p in parts) for i, t in enumerate(totals["ours"])]
            parts = [_explain_wal(conn, NAIVE_RESPONSE, {})]
            nid = conn.execute(text("SELECT currval(pg_get_serial_sequence('naive_responses', 'id'))")).scalar_one()
            parts.append(_explain_wal(conn, NAIVE_ANSWERS, {"rid": nid}))
            totals["naive"] = [t + sum(p[i] for p in parts) for i, t in enumerate(totals["naive"])]
        conn.rollback()
    engine.dispose()
    n = max(len(invitation_ids), 1)
    return {k: {"records": v[0] / n, "bytes": v[1] / n, "dirtied": v[2] / n} for k, v in totals.items()}


# -- servers and load -------------------------------------------------------------------------------
def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(extra: dict) -> dict:
    """This environment without any SURVEY_ setting (the app rejects unknown ones), plus ``extra``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}, **extra}


@contextmanager
def gunicorn(target: str, env: dict, workers: int, probe: str) -> Iterator[str]:
    """Serve ``target`` with gunicorn (sync workers) on a free loopback port; yields the base URL.

    ``target`` ``survey-app serve`` runs the command operators run; any other is a WSGI app for gunicorn.
    """
    port = free_port()
    if target == "survey-app serve":
        command = [sys.executable, "-m", "survey_app", "serve", "--workers", str(workers),
                   "--bind", f"127.0.0.1:{port}"]
    else:
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
                   "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning",
                   "--chdir", str(ROOT), target]
    process = subprocess.Popen(command, env=server_env(env), cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + probe, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    """Poll ``url`` until it answers (any status) or the server dies or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def wrk(url: str, respondents: Path, mode: str, seconds: float, clients: int, encoding: str = "") -> dict:
    """One bounded wrk run (one thread, ``clients`` connections); its JSON summary."""
    parsed = urllib.parse.urlsplit(url)
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    command = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(LUA),
               f"{parsed.scheme}://{parsed.netloc}", "--", str(respondents), mode, path, "1", encoding]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    summary["rate"] = summary["requests"] / (summary["duration_us"] / 1e6)
    summary["errors"] = sum(summary[k] for k in ("status_errors", "connect_errors", "read_errors",
                                                 "write_errors", "timeouts"))
    return summary


def _combine(runs: list[dict]) -> dict:
    """Rounds of one scenario as one: counts summed; p50 weighted by requests; p90/p99/max the worst round's."""
    total = sum(r["requests"] for r in runs)
    combined = {"requests": total, "duration_us": sum(r["duration_us"] for r in runs),
                "errors": sum(r["errors"] for r in runs),
                "p50_us": sum(r["p50_us"] * r["requests"] for r in runs) / max(total, 1)}
    combined.update({k: max(r[k] for r in runs) for k in ("p90_us", "p99_us", "max_us")})
    combined["rate"] = total / (combined["duration_us"] / 1e6)
    return combined


def _busy_jiffies() -> tuple[int, int]:
    """(busy, all) CPU time of the whole machine since boot, from ``/proc/stat``, in clock ticks."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)


def settle(quiet_share: float = 0.25, window: float = 0.2, limit: float = 5.0) -> float:
    """Wait until the machine's CPUs were busy under ``quiet_share`` of one ``window`` (at most
    ``limit`` seconds); the seconds waited. Without ``/proc/stat`` (not Linux), one second."""
    if not Path("/proc/stat").exists():
        time.sleep(1)
        return 1.0
    start = time.monotonic()
    while time.monotonic() - start < limit:
        busy, total = _busy_jiffies()
        time.sleep(window)
        busy_after, total_after = _busy_jiffies()
        if busy_after - busy <= quiet_share * max(total_after - total, 1):
            break
    return time.monotonic() - start


def _chunk(number: int, part: int, slices: int) -> int:
    """Which share of the posting respondents a round's slice takes (0: the warm-up's)."""
    return 0 if number == 0 else 1 + (number - 1) * slices + part


def _shares(pool: list[str], args) -> list[list[str]]:
    """The posting respondents split between the warm-up and every slice of every round, in proportion to
    their seconds (the warm-up is longer than a slice)."""
    slice_seconds = args.seconds / args.rounds / args.slices
    weights = [WARMUP_SECONDS] + [slice_seconds] * (args.rounds * args.slices)
    bounds = [round(len(pool) * sum(weights[:k]) / sum(weights)) for k in range(len(weights) + 1)]
    return [pool[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]


def run_interleaved(scenarios: list[dict], args, workdir: Path) -> dict:
    """Warm every scenario up, then run them in turn, ``--rounds`` times, so both apps see the same
    background load. A round passes through every scenario ``--slices`` times, its seconds split evenly, and
    sums the slices: a slowdown of the shared machine lasting a few seconds then falls on both apps of a
    round instead of on one. Posting scenarios get fresh respondents in every slice."""
    runs: dict[str, list[dict]] = {s["name"]: [] for s in scenarios}
    loads = []
    shares = {s["name"]: _shares(s["pool"], args) for s in scenarios if s["mode"] == "post"}
    for number in range(args.rounds + 1):
        loads.append(os.getloadavg()[0])
        passes = 1 if number == 0 else args.slices
        parts: dict[str, list[dict]] = {s["name"]: [] for s in scenarios}
        for part in range(passes):
            for s in scenarios:
                chunk = _chunk(number, part, args.slices)
                lines = shares[s["name"]][chunk] if s["mode"] == "post" else s["pool"]
                path = workdir / f"{s['name']}-{chunk}.txt"
                path.write_text("\n".join(lines) + "\n")
                seconds = WARMUP_SECONDS if number == 0 else args.seconds / args.rounds / args.slices
                settle()
                result = wrk(s["url"], path, s["mode"], seconds, args.clients, s.get("encoding", ""))
                if result["errors"]:
                    raise SystemExit(f"{s['name']}: {result['errors']} failed requests (status, socket or timeout); "
                                     f"with posts, give more --respondents: {result}")
                parts[s["name"]].append(result)
        for name, slices in parts.items():
            runs[name].append(_combine(slices))
    results = {name: _combine(rounds[1:]) for name, rounds in runs.items()}
    for name, rounds in runs.items():
        results[name]["warmup_requests"] = rounds[0]["requests"]
        results[name]["round_rates"] = [r["rate"] for r in rounds[1:]]
    results["_loads"] = loads[1:]
    return results


def page_weight(base: str, page: str, cookie_line: str) -> dict:
    """Bytes of the page and its assets as transferred with gzip, and uncompressed."""
    cookie = cookie_line.split(" ")[0]
    headers = {"Cookie": cookie, "Accept-Encoding": "gzip"}
    with urllib.request.urlopen(urllib.request.Request(base + page, headers=headers)) as answer:
        body = answer.read()
    html = gzip.decompress(body) if answer.headers.get("Content-Encoding") == "gzip" else body
    transferred = len(body)
    for asset in set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)):
        with urllib.request.urlopen(urllib.request.Request(base + asset.decode(), headers=headers)) as answer:
            transferred += len(answer.read())
    return {"html": len(html), "html_gzip": len(body), "transferred": transferred,
            "radios": html.count(b'type="radio"')}


def _answers(first: int, last: int) -> str:
    return "&".join(f"a_Q{q}={q % 7 + 1}" for q in range(first, last + 1)) + "&move=next"


def in_process(url: str, instance: str, wave_code: str, spare: list[str], paged: tuple[str, list[str]],
               n: int = 200) -> dict:
    """Mean milliseconds per request through the Flask test client (no server, no load generator).

    ``paged``: the three-page survey's wave code and sessions; each respondent's page 1 is saved
    first (not timed), then the save of page 2 is timed (UPDATE with the row lock, DELETE, INSERT)."""
    from benchmarks.bare_app import create_app as bare_app
    from benchmarks.naive_app import create_app as naive_app

    ours, bare = make_app(url, instance).test_client(), bare_app(url).test_client()
    naive = naive_app(url, SECRET).test_client()
    page, body = f"/r/{wave_code}?p=1", _answers(1, 30)
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def ours_request(line: str, post: bool, target: str = page, data: str = body) -> int:
        cookie, csrf = line.split(" ")
        ours.set_cookie(*cookie.split("=", 1))
        answer = ours.post(target, data=f"{data}&csrf_token={csrf}", headers=form) if post else ours.get(target)
        return answer.status_code

    paged_code, paged_lines = paged
    for line in paged_lines:  # every respondent has saved page 1: their response exists
        assert ours_request(line, True, f"/r/{paged_code}?p=1", _answers(1, 10)) == 303
    def naive_request(line: str, post: bool) -> int:
        cookie, csrf = line.split(" ")
        naive.set_cookie(*cookie.split("=", 1))
        answer = naive.post("/survey", data=f"{body}&csrf_token={csrf}", headers=form) if post else naive.get("/survey")
        return answer.status_code

    requests = {"get": lambda i: ours_request(spare[i % 20], False), "post": lambda i: ours_request(spare[20 + i], True),
                "naive_get": lambda i: naive_request(spare[i % 20], False),
                "naive_post": lambda i: naive_request(spare[i % 20], True),
                "page_save": lambda i: ours_request(paged_lines[i], True, f"/r/{paged_code}?p=2", _answers(11, 20)),
                "render": lambda i: bare.get("/render").status_code,
                "insert": lambda i: bare.post("/insert", data=body, headers=form).status_code}
    timings = {"n": n}
    for name, call in requests.items():
        for i in range(n, n + 10):  # warm-up, with respondents the measured posts do not use
            call(i)
        start = time.perf_counter()
        statuses = {call(i) for i in range(n)}
        timings[name] = (time.perf_counter() - start) / n * 1000
        assert statuses <= {200, 303}, (name, statuses)
    return timings


# -- main -------------------------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
                        help=f"PostgreSQL database to use (its schema {SCHEMA} is dropped and recreated)")
    # 8 s per scenario and round: in 4 s windows the same code's CPU per request moved by up to 40% from one
    # window to the next on the shared two-core machine, and a round's ratio with it
    parser.add_argument("--seconds", type=float, default=24, help="measured seconds per scenario (default 24)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds the seconds are split into")
    parser.add_argument("--slices", type=int, default=2,
                        help="passes through every scenario in one round (default 2), the round's seconds split among them")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    parser.add_argument("--respondents", type=int, default=60_000,
                        help="invitations prepared for final POSTs (more than can be posted in the run)")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    return parser.parse_args()


def run_scenarios(args, url: str, wave_code: str, pool: list[str], workdir: Path) -> tuple[dict, dict]:
    """Serve both apps and run every scenario against them; (results, page weight)."""
    page = f"/r/{wave_code}?p=1"
    ours = {"SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": SECRET, "SURVEY_INSTANCE_PATH": str(workdir),
            "SURVEY_LOG_LEVEL": "WARNING", "SURVEY_GUNICORN_ACCESS_LOG": ""}  # the bare app logs no access either
    naive_env = {"NAIVE_DATABASE_URL": url, "NAIVE_SECRET_KEY": SECRET}
    with gunicorn("survey-app serve", ours, args.workers, "/") as base, \
            gunicorn("benchmarks.bare_app:app", {"BARE_DATABASE_URL": url}, args.workers, "/render") as bare, \
            gunicorn("benchmarks.naive_app:app", naive_env, args.workers, "/survey") as naive:
        weight = page_weight(base, page, pool[0])
        readers, writers = pool[:min(len(pool) // 5, 5000)], pool[len(pool) // 5:-IN_PROCESS_SPARE]
        scenarios = [
            {"name": "get", "url": base + page, "pool": readers, "mode": "get"},
            {"name": "get_gzip", "url": base + page, "pool": readers, "mode": "get", "encoding": "gzip, br"},
            {"name": "bare_render", "url": bare + "/render", "pool": readers, "mode": "get"},
            {"name": "naive_get", "url": naive + "/survey", "pool": readers, "mode": "get"},
            {"name": "post", "url": base + page, "pool": writers, "mode": "post"},
            {"name": "naive_post", "url": naive + "/survey", "pool": readers, "mode": "post-any"},
            {"name": "bare_insert", "url": bare + "/insert", "pool": readers, "mode": "post-any"},
        ]
        results = run_interleaved(scenarios, args, workdir)
    return results, weight


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a timeout still stops the servers (finally blocks)
    args = parse_args()
    load_before = os.getloadavg()
    url = prepare_database(args.database_url)
    with tempfile.TemporaryDirectory(prefix="bench-respondent-") as tmp:
        workdir = Path(tmp)
        app = make_app(url, tmp)
        wave_code, wave_id, ids = seed(app, args.respondents)
        pool = prepared_sessions(app, wave_code, ids)
        paged_code, _paged_id, paged_ids = seed(app, IN_PROCESS_PAGED, three_pages(), "BENCH30P")
        paged = (paged_code, prepared_sessions(app, paged_code, paged_ids))
        app.extensions["survey_engine"].dispose()
        wal = wal_per_response(url, wave_id, ids[:50])
        print(f"{len(pool):,} respondents prepared; serving on 127.0.0.1 with {args.workers} workers", flush=True)
        results, weight = run_scenarios(args, url, wave_code, pool, workdir)
        stored = stored_outcome(url, wave_id)
        timings = in_process(url, tmp, wave_code, pool[-IN_PROCESS_SPARE:], paged)
    stored["posted"] = results["post"]["requests"] + results["post"]["warmup_requests"]
    body = "\n".join(f"- {line}" for line in machine(url, load_before)) + "\n\n" + table(
        results, weight, args, stored, timings, WARMUP_SECONDS, wal)
    print(body)
    exact = stored["answers"] in ([30], []) and stored["partial"] == 0
    if not exact or not 0 <= stored["complete"] - stored["posted"] <= (1 + args.rounds * args.slices) * args.clients:
        raise SystemExit(f"stored responses do not match the posts: {stored}")
    if not args.no_docs:
        write_section(body)
        print(f"\nwritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
