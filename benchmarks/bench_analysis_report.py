"""Benchmark: the full scoring report of one wave, loaded from PostgreSQL, beside a plain numpy baseline.

For each size the script seeds a wave of a 30-item questionnaire (7-point items in four
quality dimensions with 모름/해당없음 codes, overall satisfaction, intention to use again, NPS;
an age-band question; office, region, channel and customer type in the links' hidden fields;
unequal weights; 5% partial responses; invitations) into its own PostgreSQL database with
binary ``COPY``, then times, in the same run:

* ``load``: :func:`survey_app.results.loading.load_wave` — the wave's complete responses streamed
  from PostgreSQL into the responses x items matrix, segment arrays and weights (the default
  loader, binary ``COPY`` of the answers), and, for comparison, the server-side-cursor loader;
* ``compute``: :func:`survey_app.results.scoring.score_loaded_wave` on the loaded arrays — the whole
  report: item means and 100-point scores with SEs, dimensions, every declared index, NPS, CSAT,
  Cronbach's alpha per dimension, segment estimates and Holm-corrected comparisons for every
  segment, driver importance and quadrants;
* ``core``: the part of ``compute`` that the numpy baseline also does (item means and SEs,
  100-point scores, dimensions and index with SEs, NPS, CSAT: ``analysis.report.score_wave``);
* ``numpy``: the same item means and SEs, index and SE, NPS and CSAT written directly in numpy.

It checks that the report's numbers equal the numpy baseline's and prints a table with the ratios.
``end to end`` is :func:`survey_app.results.scoring.build_wave_result` from the wave id (load +
response rate + compute + the wave's trend point).

The database named by ``--database-url`` (or ``SURVEY_BENCH_DATABASE_URL``) is EMPTIED: its
``public`` schema is dropped and migrated afresh. Use a database of its own.

Usage::

    python benchmarks/bench_analysis_report.py --database-url postgresql://postgres@127.0.0.1/bench
    python benchmarks/bench_analysis_report.py --sizes 2000        # quick CI run
    # the recompute alone, alternating two checkouts on waves seeded once (and kept) in the database:
    python benchmarks/bench_analysis_report.py --database-url ... --sizes 1000000 --refresh-only /work/main,. --rounds 2
"""
from __future__ import annotations

import argparse
import io
import json
import os
import struct
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text

if "--refresh-child" not in sys.argv:  # the child of --refresh-only imports the checkout of its PYTHONPATH
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from questionnaires import load_yaml  # noqa: E402

N_REGIONS, OFFICES_PER_REGION = 17, 10
CHANNELS = ("sms", "email", "qr", "kiosk")
CUSTOMER_TYPES = ("개인", "사업자")
QUALITY = (("process", 7), ("outcome", 7), ("environment", 7), ("social", 6))
NA_CODE = 9


def questionnaire_yaml() -> str:
    """A 30-item PCSI-style questionnaire: 27 quality items, overall, intention to use again, NPS."""
    rows, j = [], 0
    for dim, k in QUALITY:
        for i in range(k):
            j += 1
            reverse = ", reverse: true" if (dim, i) == ("process", 4) else ""
            rows.append(f"      - {{code: Q{j:02d}, type: likert, text: {{ko: 문항 {j}}}, scale: agree7, "
                        f"scoring: {{dimension: {dim}{reverse}}}}}")
    rows.append("      - {code: Q28, type: likert, text: {ko: 전반적 만족}, scale: agree7, "
                "scoring: {dimension: overall, kpi: overall}}")
    rows.append("      - {code: Q29, type: likert, text: {ko: 재이용 의향}, scale: agree7, "
                "scoring: {dimension: repurchase, kpi: repurchase}}")
    rows.append("      - {code: Q30, type: nps, text: {ko: 추천 의향}, scoring: {kpi: nps}}")
    rows.append("      - {code: Q31, type: single_choice, text: {ko: 연령대}, choices: age_band}")
    return f"""
code: BENCH_CSI
version: 1
kind: customer_satisfaction
title: {{ko: 성능 시험 만족도 조사, en: Benchmark survey}}
hidden:
  - {{code: office_code, type: hidden}}
  - {{code: region, type: hidden}}
  - {{code: channel, type: hidden}}
  - {{code: customer_type, type: hidden}}
scales:
  agree7:
    points: 7
    labels: [{{value: 1, label: {{ko: 전혀 그렇지 않다}}}}, {{value: 7, label: {{ko: 매우 그렇다}}}}]
    na: {{value: {NA_CODE}, label: {{ko: 모름/해당없음}}}}
choice_lists:
  age_band:
    - {{value: 1, label: {{ko: 20대 이하}}}}
    - {{value: 2, label: {{ko: 30대}}}}
    - {{value: 3, label: {{ko: 40대}}}}
    - {{value: 4, label: {{ko: 50대}}}}
    - {{value: 5, label: {{ko: 60대 이상}}}}
sections:
  - code: S1
    title: {{ko: 평가}}
    questions:
{chr(10).join(rows)}
scoring:
  dimensions:
    - {{code: process, name: {{ko: 과정품질}}}}
    - {{code: outcome, name: {{ko: 결과품질}}}}
    - {{code: environment, name: {{ko: 환경품질}}}}
    - {{code: social, name: {{ko: 사회품질}}}}
    - {{code: overall, name: {{ko: 전반적 만족}}}}
    - {{code: repurchase, name: {{ko: 재이용 의향}}}}
  indices:
    - code: service_quality
      name: {{ko: 서비스 품질 지수}}
      weights: {{process: 0.25, outcome: 0.25, environment: 0.25, social: 0.25}}
    - code: pcsi
      name: {{ko: PCSI형 종합 만족도}}
      weights: {{process: 0.15, outcome: 0.15, environment: 0.15, social: 0.15, overall: 0.3, repurchase: 0.1}}
"""


# --- seeding -------------------------------------------------------------------------------------

def reset_database(url: str) -> None:
    """Drop and recreate the public schema of the benchmark database and migrate it."""
    from survey_app import migrate
    from survey_app.database import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()


def _copy_text(conn, table: str, columns: str, lines) -> None:
    """COPY tab-separated ``lines`` into ``table``."""
    raw = conn.connection.driver_connection
    with raw.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for i, line in enumerate(lines):
            buffer.write(line)
            if i % 50_000 == 49_999:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def seed_organisation(conn) -> list[tuple[str, str]]:
    """Headquarters, 17 regions and 10 offices each; returns (office code, region code) pairs."""
    now = datetime.now(UTC).isoformat()
    hq = conn.execute(text("INSERT INTO org_units (code, name, level, active, sort_order, created_at) "
                           "VALUES ('HQ', '우정사업본부', 'headquarters', true, 0, :now) RETURNING id"),
                      {"now": now}).scalar_one()
    pairs = []
    for r in range(N_REGIONS):
        region = f"R-{r:02d}"
        rid = conn.execute(text("INSERT INTO org_units (code, name, level, parent_id, region_code, active, "
                                "sort_order, created_at) VALUES (:c, :n, 'regional', :p, :c, true, :o, :now) "
                                "RETURNING id"), {"c": region, "n": f"지방우정청 {r}", "p": hq, "o": r, "now": now}
                           ).scalar_one()
        for o in range(OFFICES_PER_REGION):
            office = f"P-{r:02d}{o:02d}"
            conn.execute(text("INSERT INTO org_units (code, name, level, parent_id, region_code, active, "
                              "sort_order, created_at) VALUES (:c, :n, 'office', :p, :r, true, 0, :now)"),
                         {"c": office, "n": f"우체국 {r}-{o}", "p": rid, "r": region, "now": now})
            pairs.append((office, region))
    return pairs


def seed_survey(conn, code: str) -> tuple[int, int]:
    """The benchmark survey, its published version and an open wave; returns (version id, wave id)."""
    definition = json.dumps(load_yaml(questionnaire_yaml()).to_dict(), ensure_ascii=False)
    now = datetime.now(UTC).isoformat()
    survey_id = conn.execute(text(
        "INSERT INTO surveys (code, title, kind, state, draft_definition, lock_version, created_at, updated_at) "
        "VALUES (:c, '성능 시험 설문', 'customer_satisfaction', 'published', :d, 1, :now, :now) RETURNING id"),
        {"c": code, "d": definition, "now": now}).scalar_one()
    version_id = conn.execute(text(
        "INSERT INTO survey_versions (survey_id, number, definition, digest, changelog, published_at) "
        "VALUES (:s, 1, :d, 'bench', '', :now) RETURNING id"), {"s": survey_id, "d": definition, "now": now}
    ).scalar_one()
    wave_id = conn.execute(text(
        "INSERT INTO waves (code, name, survey_id, version_id, state, settings, created_at) "
        "VALUES (:c, '성능 시험 차수', :s, :v, 'open', '{}', :now) RETURNING id"),
        {"c": f"W-{code}", "s": survey_id, "v": version_id, "now": now}).scalar_one()
    return version_id, wave_id


def synthetic_answers(n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 31) answers: 27 quality items, overall, intention, NPS (0-10), age band; NaN = unanswered."""
    latent = rng.normal(size=(n, 1))
    dims = np.repeat(np.arange(4), [k for _, k in QUALITY])
    dim_effect = rng.normal(scale=0.5, size=(n, 4))[:, dims]
    quality = np.clip(np.round(4.9 + 1.1 * latent + dim_effect + rng.normal(scale=0.8, size=(n, 27))), 1, 7)
    quality[:, 4] = 8 - quality[:, 4]  # the reverse-worded item
    quality[rng.random((n, 27)) < 0.03] = np.nan
    quality[:, 7:21][rng.random((n, 14)) < 0.03] = NA_CODE
    overall = np.clip(np.round(5.0 + 1.3 * latent[:, 0] + 0.4 * dim_effect[:, :1].sum(1)
                               + rng.normal(scale=0.7, size=n)), 1, 7)
    intent = np.clip(np.round(5.2 + latent[:, 0] + rng.normal(scale=0.9, size=n)), 1, 7)
    nps = np.clip(np.round(7.3 + 1.8 * latent[:, 0] + rng.normal(scale=1.2, size=n)), 0, 10)
    age = rng.integers(1, 6, size=n).astype(float)
    return np.column_stack([quality, overall, intent, nps, age])


def _binary_answers(ids: np.ndarray, values: np.ndarray) -> bytes:
    """PostgreSQL binary COPY rows (response_id, question_code, position, value_num, choice)."""
    parts = []
    rows, cols = np.nonzero(~np.isnan(values))
    vals = values[rows, cols]
    for width in (1, 2):
        pick = (vals >= 10) if width == 2 else (vals < 10)
        r, c, v = ids[rows[pick]], cols[pick], vals[pick]
        if not len(r):
            continue
        dtype = np.dtype([("nf", ">i2"), ("l1", ">i4"), ("rid", ">i4"), ("l2", ">i4"), ("code", "S3"),
                          ("l3", ">i4"), ("pos", ">i4"), ("l4", ">i4"), ("val", ">f8"), ("l5", ">i4"),
                          ("choice", f"S{width}")])
        out = np.zeros(len(r), dtype=dtype)
        out["nf"], out["l1"], out["rid"], out["l2"], out["l3"], out["l4"], out["l5"] = 5, 4, r, 3, 4, 8, width
        out["code"] = np.array([f"Q{j + 1:02d}".encode() for j in range(values.shape[1])])[c]
        out["val"], out["choice"] = v, v.astype(int).astype(f"S{width}")
        parts.append(out.tobytes())
    return b"".join(parts)


def _copy_answers(conn, ids: np.ndarray, values: np.ndarray, block: int = 50_000) -> None:
    """Binary COPY of the answer rows, a block of responses at a time."""
    raw = conn.connection.driver_connection
    header = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
    with raw.cursor().copy("COPY answers (response_id, question_code, position, value_num, choice) "
                           "FROM STDIN WITH (FORMAT binary)") as copy:
        copy.write(header)
        for first in range(0, len(ids), block):
            copy.write(_binary_answers(ids[first:first + block], values[first:first + block]))
        copy.write(struct.pack(">h", -1))


def _response_lines(first_id: int, n: int, status: str, wave_id: int, version_id: int, offices, rng):
    """Tab-separated response rows with hidden segment fields and a weight."""
    start = datetime(2026, 10, 1, tzinfo=UTC)
    picks = rng.integers(0, len(offices), size=n)
    channels, kinds = rng.integers(0, len(CHANNELS), size=n), rng.integers(0, 2, size=n)
    weights = rng.lognormal(0.0, 0.35, size=n)
    for i in range(n):
        office, region = offices[picks[i]]
        hidden = (f'{{"office_code": "{office}", "region": "{region}", "channel": "{CHANNELS[channels[i]]}", '
                  f'"customer_type": "{CUSTOMER_TYPES[kinds[i]]}"}}')
        when = (start + timedelta(seconds=i)).isoformat()
        finished = when if status == "complete" else r"\N"
        yield (f"{first_id + i}\t{wave_id}\t{version_id}\t{first_id + i}\t{status}\tweb\t{when}\t{finished}\t"
               f"5\t{hidden}\t{weights[i]:.6f}\n")


def seed_wave(url: str, n: int, seed: int = 0) -> int:
    """Seed a wave with ``n`` complete responses (+5% partial, invitations); returns the wave id."""
    rng = np.random.default_rng(seed)
    engine = create_engine(url)
    partial = max(1, n // 20)
    with engine.begin() as conn:
        offices = [tuple(r) for r in conn.execute(text(
            "SELECT o.code, p.code FROM org_units o JOIN org_units p ON p.id = o.parent_id WHERE o.level = 'office'"))]
        offices = offices or seed_organisation(conn)
        version_id, wave_id = seed_survey(conn, f"BENCH-{n}-{seed}")
        first = (conn.execute(text("SELECT coalesce(max(id), 0) FROM invitations")).scalar_one() or 0) + 1
        first = max(first, (conn.execute(text("SELECT coalesce(max(id), 0) FROM responses")).scalar_one() or 0) + 1)
        total = n + partial
        invited = int(total * 1.25)
        _copy_text(conn, "invitations", "id, wave_id, token_hash, channel, status, hidden, reminders_sent, created_at",
                   (f"{first + i}\t{wave_id}\t{wave_id:08x}{first + i:056x}\tsms\tsent\t{{}}\t0\t2026-10-01T00:00:00+00\n"
                    for i in range(invited)))
        _copy_text(conn, "responses", "id, wave_id, version_id, invitation_id, status, channel, started_at, "
                   "finished_at, last_page, hidden, weight",
                   _response_lines(first, n, "complete", wave_id, version_id, offices, rng))
        _copy_text(conn, "responses", "id, wave_id, version_id, invitation_id, status, channel, started_at, "
                   "finished_at, last_page, hidden, weight",
                   _response_lines(first + n, partial, "partial", wave_id, version_id, offices, rng))
        values = synthetic_answers(total, rng)
        values[n:, 14:] = np.nan  # partial responses stopped half way
        _copy_answers(conn, np.arange(first, first + total, dtype=np.int64), values)
        for table in ("invitations", "responses"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE invitations, responses, answers"))
    engine.dispose()
    return wave_id


# --- timing --------------------------------------------------------------------------------------

def numpy_baseline(y: np.ndarray, specs, dim_weights: dict, nps: np.ndarray, csat: np.ndarray,
                   w: np.ndarray) -> dict[str, np.ndarray]:
    """Item means and SEs, the index and its SE, NPS and its SE, CSAT — written directly in numpy."""
    n = len(w)

    def means(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ok = ~np.isnan(values)
        wd = w[:, None] * ok
        wsum = wd.sum(0)
        filled = np.where(ok, values, 0.0)
        m = (wd * filled).sum(0) / wsum
        x = wd * (filled - m) / wsum
        return m, np.sqrt(n / (n - 1) * ((x - x.mean(0)) ** 2).sum(0)), x

    m, se, _ = means(y)
    low = np.array([s.low for s in specs], dtype=float)
    span = np.array([s.points - 1 for s in specs], dtype=float)
    rev = np.array([s.reverse for s in specs])
    m100, _, x100 = means((np.where(rev, 2 * low + span - y, y) - low) / span * 100)
    dims = list(dict.fromkeys(s.dimension for s in specs))
    a = np.zeros((len(specs), len(dims)))
    for j, s in enumerate(specs):
        a[j, dims.index(s.dimension)] = s.weight
    a /= a.sum(0)
    coef = a @ np.array([dim_weights.get(d, 0.0) for d in dims]) / sum(dim_weights.values())
    xi = x100 @ coef
    points = np.where(np.isnan(nps), np.nan, np.where(nps >= 9, 100.0, np.where(nps <= 6, -100.0, 0.0)))
    nm, nse, _ = means(points[:, None])
    ok = ~np.isnan(csat)
    return {"mean": m, "se": se, "index": float(m100 @ coef),
            "index_se": float(np.sqrt(n / (n - 1) * ((xi - xi.mean()) ** 2).sum())), "nps": nm[0], "nps_se": nse[0],
            "csat": 100 * (w[ok] * (csat[ok] >= 6)).sum() / w[ok].sum()}


def best(func, repeat: int) -> tuple[float, object]:
    """Best wall time of ``repeat`` calls and the last result."""
    fastest, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, out


def bare_copy(wave_id: int) -> None:
    """The baseline of ``load``: a binary ``COPY`` of the same answer rows, read and dropped (no Python per row
    beyond psycopg's own)."""
    from survey_app.database import db

    sql = ("COPY (SELECT a.response_id, a.question_code, a.value_num FROM answers a "
           "JOIN responses r ON r.id = a.response_id WHERE r.wave_id = %s AND r.status = 'complete' "
           "AND a.position = 0 AND a.value_num IS NOT NULL) TO STDOUT (FORMAT binary)")
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(sql.replace("%s", str(int(wave_id)))) as copy:
        for _chunk in copy:
            pass
    db.session.rollback()


def _refresh_child(url: str, instance: str, wave_id: int, out) -> None:
    """In a fresh process: the scheduler's recompute of the wave's stored result; sends (seconds, peak MB)."""
    import resource

    from survey_app import create_app
    from survey_app.database import db
    from survey_app.models import Wave
    from survey_app.results.stored import current_mark, recompute

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance})
    with app.app_context():
        wave = db.session.get(Wave, wave_id)
        start = time.perf_counter()
        recompute(wave, None, 0.95, current_mark(wave)[0])
        db.session.commit()
        seconds = time.perf_counter() - start
    out.send((seconds, _peak_mb(resource)))


def _peak_mb(resource) -> float:
    """This process's peak resident memory in MB: ``VmHWM`` of /proc/self/status where there is one. Linux
    carries ``ru_maxrss`` over a fork and exec, so a child started by a parent holding a loaded 1M wave reported
    the parent's 2.5 GB; ``VmHWM`` belongs to the child's own address space."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def refresh_in_child(url: str, wave_id: int, code: str | None = None) -> tuple[float, float]:
    """Seconds and peak resident memory (MB, the whole process) of a background recompute of the wave.

    With ``code`` (a checkout's directory) the child imports ``survey_app`` from there instead: the same run can
    alternate two versions of the code on the same seeded wave."""
    import multiprocessing
    import subprocess

    if code:
        child = subprocess.run([sys.executable, __file__, "--refresh-child", str(wave_id), "--database-url", url],
                               env={**os.environ, "PYTHONPATH": code}, capture_output=True, text=True, check=True)
        seconds, peak = child.stdout.split()[-2:]
        return float(seconds), float(peak)

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_refresh_child, args=(url, tempfile.mkdtemp(), wave_id, send))
    child.start()
    result = receive.recv()
    child.join()
    return result


def seeded_wave(url: str, n: int) -> int | None:
    """The wave of ``n`` responses an earlier run seeded (``--reuse``), or None."""
    engine = create_engine(url)
    with engine.connect() as conn:
        wave_id = conn.execute(text("SELECT w.id FROM waves w JOIN surveys s ON s.id = w.survey_id "
                                    "WHERE s.code = :c"), {"c": f"BENCH-{n}-0"}).scalar()
    engine.dispose()
    return wave_id


def refresh_only(url: str, sizes: list[int], codes: list[str], rounds: int) -> None:
    """Alternate the recompute of each wave (seeded by an earlier run, or now) under each checkout in ``codes``;
    print seconds and peak."""
    engine = create_engine(url)
    with engine.connect() as conn:
        migrated = conn.execute(text("SELECT to_regclass('public.waves')")).scalar() is not None
    engine.dispose()
    if not migrated:
        reset_database(url)
    for n in sizes:
        wave_id = seeded_wave(url, n)
        if wave_id is None:
            start = time.perf_counter()
            wave_id = seed_wave(url, n)
            print(f"seeded {n:,} responses in {time.perf_counter() - start:.0f} s", flush=True)
        for _ in range(rounds):
            for code in codes:
                load = os.getloadavg()
                seconds, peak = refresh_in_child(url, wave_id, code)
                print(f"{n:>10} {code:<24} refresh {seconds:7.1f} s  peak {peak:6.0f} MB  "
                      f"load before {load[0]:.1f} / {load[1]:.1f}", flush=True)


def served_from_store(app, wave_id: int, repeat: int) -> float:
    """Best time of :func:`survey_app.results.stored.served_result` of the wave from its stored result (what
    the results page and the workbook download ask for: watermarks, one row read, the result decoded)."""
    from survey_app.database import db
    from survey_app.models import Wave
    from survey_app.results.stored import served_result

    with app.app_context():
        wave = db.session.get(Wave, wave_id)
        assert not served_result(wave).stale  # stored by the recompute before
        seconds = best(lambda: served_result(wave), repeat)[0]
        db.session.rollback()
    return seconds


def pack_all(wave_id: int, questionnaire) -> float:
    """Seconds to pack every complete response of the wave into answer vectors from none (what the results
    job does once for a wave that was large before vectors existed; later runs pack only new responses)."""
    from survey_app.database import db
    from survey_app.results.vectors import pack_new

    db.session.execute(text("DELETE FROM answer_vectors WHERE wave_id = :w"), {"w": wave_id})
    db.session.commit()
    start = time.perf_counter()
    pack_new(wave_id, questionnaire)
    db.session.commit()
    return time.perf_counter() - start


def measure(app, wave_id: int, repeat: int, rows_loader: bool) -> dict[str, object]:
    """Every timing of one seeded wave, and whether the report equals the numpy baseline."""
    from analysis.report import score_wave
    from survey_app.database import db
    from survey_app.models import Wave
    from survey_app.results.build import directory, segment_names, wave_result
    from survey_app.results.loading import load_wave
    from survey_app.results.report import score_loaded_wave
    from survey_app.results.scoring import item_matrix, scoring_plan

    with app.app_context():
        wave = db.session.get(Wave, wave_id)
        q = wave.version.questionnaire

        def load(method: str):
            try:
                return load_wave(wave_id, q, method=method)
            finally:
                db.session.rollback()

        t_copy, _ = best(lambda: bare_copy(wave_id), repeat)
        t_load, data = best(lambda: load("packed"), repeat)
        t_rows = best(lambda: load("rows"), 1)[0] if rows_loader else float("nan")
        t_pack = pack_all(wave_id, q)
        t_vectors, packed = best(lambda: load("auto"), repeat)
        assert np.array_equal(packed.values, data.values, equal_nan=True), "vectors and long form differ"
        found = directory(data)
        names = segment_names(found)
        t_compute, _ = best(lambda: score_loaded_wave(data, q, segment_names=names, directory=found), repeat)
        plan = scoring_plan(q, data.codes)
        y, _ = item_matrix(data, plan)
        nps, csat = data.column("Q30"), data.column("Q28")
        weights = plan.headline.weight_map
        t_core, rep = best(lambda: score_wave(y, plan.specs, weights, nps_scores=nps, csat_scores=csat,
                                              weights=data.weights), repeat)
        t_numpy, ref = best(lambda: numpy_baseline(y, plan.specs, weights, nps, csat, data.weights), repeat)
        t_e2e, _ = best(lambda: wave_result(wave), repeat)
        db.session.rollback()
    got = {"mean": rep.item_means.value, "se": rep.item_means.se, "index": rep.scores.index.value,
           "index_se": rep.scores.index.se, "nps": rep.nps.value, "nps_se": rep.nps.se, "csat": rep.csat.value}
    same = all(np.allclose(got[k], ref[k], rtol=1e-9, atol=1e-12) for k in ref)
    return {"n": data.n, "k": len(plan.specs) + 1, "load": t_load, "rows": t_rows, "pack": t_pack,
            "vectors": t_vectors, "compute": t_compute,
            "core": t_core, "numpy": t_numpy, "e2e": t_e2e, "same": same, "copy": t_copy}


HEADER = (f"{'responses':>10} {'items':>5} {'copy s':>7} {'load s':>7} {'load/copy':>9} {'rows-load s':>11} "
          f"{'pack s':>7} {'vec-load s':>10} "
          f"{'compute s':>9} {'core s':>7} {'numpy s':>8} {'core/np':>7} {'compute/np':>10} {'end-to-end s':>12} "
          f"{'refresh s':>9} {'peak MB':>7} {'stored s':>8}  check")


def line(r: dict) -> str:
    """One row of the result table."""
    rows = "–" if np.isnan(r["rows"]) else f"{r['rows']:.3f}"
    return (f"{r['n']:>10} {r['k']:>5} {r['copy']:>7.3f} {r['load']:>7.3f} {r['load'] / r['copy']:>9.2f} {rows:>11} "
            f"{r['pack']:>7.3f} {r['vectors']:>10.3f} "
            f"{r['compute']:>9.3f} {r['core']:>7.3f} {r['numpy']:>8.3f} {r['core'] / r['numpy']:>7.2f} "
            f"{r['compute'] / r['numpy']:>10.2f} {r['e2e']:>12.3f} {r.get('refresh', float('nan')):>9.3f} "
            f"{r.get('peak', float('nan')):>7.0f} {r.get('stored', float('nan')):>8.3f}  "
            f"{'same numbers' if r['same'] else 'MISMATCH'}")


DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench_analysis_report:start -->", "<!-- bench_analysis_report:end -->"


def write_docs(rows: list[dict], seeding: list[float]) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (other sections are left alone)."""
    table = "\n".join([HEADER] + [line(r) for r in rows])
    seeded = ", ".join(f"{r['n']:,}: {s:.0f} s" for r, s in zip(rows, seeding, strict=True))
    target = next((r for r in rows if r["n"] == 100_000), None)
    verdict = "" if target is None else (
        f"Targets at 100k x 30: end to end {target['e2e']:.2f} s (target <= 3 s: "
        f"{'met' if target['e2e'] <= 3 else 'NOT met'}); the scoring core {target['core'] / target['numpy']:.2f}x "
        f"the numpy baseline (target <= 2x: {'met' if target['core'] <= 2 * target['numpy'] else 'NOT met'}); "
        f"the whole report (segments, reliability, drivers, every index) {target['compute'] / target['numpy']:.2f}x.\n\n")
    section = (f"{START}\n## Wave report from PostgreSQL (`benchmarks/bench_analysis_report.py`)\n\n"
               f"Run {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, load average "
               f"{os.getloadavg()[0]:.1f} at the end (the machine is shared); seeding took {seeded}.\n\n{verdict}"
               f"```\n{table}\n```\n\n"
               "`copy`: a binary `COPY` of the same answer rows to the client, read and dropped (the baseline of "
               "`load`); `load`: complete responses → matrix, segments, weights (answers packed in SQL, streamed); "
               "`rows-load`: the same with one row per answer through a server-side cursor; "
               "`pack`: packing every complete response into answer vectors from none (`results.vectors.pack_new`, "
               "once per wave that was large before vectors; the job then packs only new responses); `vec-load`: "
               "the load from the vectors (what the job and `end-to-end` read); "
               "`compute`: the whole report from the loaded arrays; `core`: `analysis.report.score_wave` "
               "(item means and SEs, 100-point scores, dimensions, index, NPS, CSAT); `numpy`: the same "
               "numbers as `core` written in plain numpy; `end-to-end`: `survey_app.results.build.wave_result` "
               "(load + counts + compute + trend); `refresh`: the scheduler's recompute of the stored result "
               "(`results.stored.recompute`, in a fresh process, the wave packed) and `peak MB` that process's peak "
               "resident memory; `stored`: the wave's result served from the store "
               "(`results.stored.served_result`: what the results page and the workbook download read). Load average before each size: "
               + ", ".join(f"{r['n']:,}: {r['load_before']:.1f}" for r in rows)
               + f". Best of the runs (1M: one run).\n{END}\n")
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text, encoding="utf-8")


class _Pipe:
    """Stands for the pipe end of ``_refresh_child`` when the child is a subprocess of its own."""

    def send(self, value) -> None:
        self.sent = value


def main() -> None:
    """Seed each size, time it and print (and record) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("SURVEY_BENCH_DATABASE_URL"),
                        help="PostgreSQL database to EMPTY and seed (default: $SURVEY_BENCH_DATABASE_URL)")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated numbers of responses")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per measurement below 1M responses (1M: one run); the best is kept")
    parser.add_argument("--rows-up-to", type=int, default=100_000,
                        help="time the one-row-per-answer loader only up to this size (it is slow)")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database and reuse the waves an earlier --reuse run seeded (seed the missing)")
    parser.add_argument("--refresh-only", metavar="DIRS",
                        help="only time the recompute of reused waves, alternating the checkouts in these "
                             "comma-separated directories (e.g. /work/main,.)")
    parser.add_argument("--rounds", type=int, default=1, help="with --refresh-only: rounds of alternation")
    parser.add_argument("--refresh-child", type=int, metavar="WAVE_ID", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgresql"):
        parser.error("give a PostgreSQL URL with --database-url or SURVEY_BENCH_DATABASE_URL")
    from survey_app.config import database_url

    url = database_url(args.database_url, "")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.refresh_child:
        pipe = _Pipe()
        _refresh_child(url, tempfile.mkdtemp(), args.refresh_child, pipe)
        print(*pipe.sent)
        return
    if args.refresh_only:
        refresh_only(url, sizes, [os.path.abspath(d) for d in args.refresh_only.split(",")], args.rounds)
        return
    from survey_app import create_app

    if not args.reuse:
        reset_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": tempfile.mkdtemp()})
    print(HEADER, flush=True)
    rows, seeding = [], []
    for n in sizes:
        start = time.perf_counter()
        wave_id = (seeded_wave(url, n) if args.reuse else None) or seed_wave(url, n)
        seeding.append(time.perf_counter() - start)
        load = os.getloadavg()[0]
        rows.append(measure(app, wave_id, args.repeat if n < 1_000_000 else 1, n <= args.rows_up_to))
        rows[-1]["refresh"], rows[-1]["peak"] = refresh_in_child(url, wave_id)
        rows[-1]["stored"] = served_from_store(app, wave_id, args.repeat)
        rows[-1]["load_before"] = load
        print(line(rows[-1]), flush=True)
        if not rows[-1]["same"]:
            raise SystemExit("the report and the numpy baseline disagree")
    app.extensions["survey_engine"].dispose()
    if not args.no_docs:
        write_docs(rows, seeding)


if __name__ == "__main__":
    main()
