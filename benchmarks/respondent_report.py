"""The table of benchmarks/bench_respondent.py and its section of docs/benchmarks.md."""
from __future__ import annotations

import os
import platform
import re
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
MARK_START, MARK_END = "<!-- bench_respondent:start -->", "<!-- bench_respondent:end -->"
WHY = ("Where the time goes and why targets are missed: [docs/scaling.md](scaling.md#where-the-time-goes).")


def machine(url: str, load_before: tuple[float, float, float]) -> list[str]:
    """One line each: CPU, memory, load, OS, Python, PostgreSQL and its durability settings, gunicorn, wrk."""
    import gunicorn as gunicorn_pkg

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    engine = create_engine(url)
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar_one()
        settings = {name: conn.execute(text(f"SHOW {name}")).scalar_one()
                    for name in ("shared_buffers", "synchronous_commit", "fsync", "max_connections")}
    engine.dispose()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].split(" [")[0]
    load = " / ".join(f"{x:.1f}" for x in load_before[:1] + os.getloadavg()[:1])
    return [f"CPU: {cpu}, {os.cpu_count()} logical cores; memory {mem_kb / 1024 / 1024:.1f} GiB; "
            f"1-minute load average before / after the run: {load} (other work on the machine included)",
            f"OS: {platform.platform()}; Python {platform.python_version()}; gunicorn {gunicorn_pkg.__version__}; "
            f"{wrk_version}",
            f"PostgreSQL {version} on 127.0.0.1 (same machine): "
            + ", ".join(f"{k}={v}" for k, v in settings.items())]


def _ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f}"


def _row(name: str, result: dict) -> str:
    return (f"| {name} | {result['requests']:,} | {result['rate']:,.0f} | {_ms(result['p50_us'])} | "
            f"{_ms(result['p99_us'])} |")


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _rounds(results: dict) -> list[str]:
    """One row per round: the load average before it and the ratios of that round's rates."""
    lines = ["Ratios per round (each from the same round, so the load of the shared machine weighs on both "
             "sides alike):", "", "| round | load average before | POST / naive POST | GET / naive GET | "
             "GET / bare render | POST / bare insert |", "|---:|---:|---:|---:|---:|---:|"]
    for i, load in enumerate(results["_loads"]):
        rate = {name: r["round_rates"][i] for name, r in results.items() if not name.startswith("_")}.get
        lines.append(f"| {i + 1} | {load:.1f} | {rate('post') / rate('naive_post'):.2f}x | "
                     f"{rate('get') / rate('naive_get'):.2f}x | {rate('get') / rate('bare_render'):.0%} | "
                     f"{rate('post') / rate('bare_insert'):.0%} |")
    return lines


def _wal(wal: dict, stored: dict) -> list[str]:
    """What one response costs PostgreSQL to write, ours against the naive app's, and the answers' indexes."""
    ours, naive = wal["ours"], wal["naive"]
    lines = ["Writes per response (`EXPLAIN (ANALYZE, BUFFERS, WAL)` of the response INSERT and the 30-answer "
             "INSERT, mean of 50 responses, rolled back):", "",
             "| app | WAL records | WAL bytes | buffers dirtied |", "|---|---:|---:|---:|",
             f"| survey app | {ours['records']:.0f} | {ours['bytes']:,.0f} | {ours['dirtied']:.1f} |",
             f"| naive app (serial keys, one foreign key) | {naive['records']:.0f} | {naive['bytes']:,.0f} | "
             f"{naive['dirtied']:.1f} |", "",
             f"Answers heap {stored['answers_heap']:,.0f} bytes per complete response; indexes per complete response: "
             + ", ".join(f"`{name}` {size:,.0f} B" for name, size in stored["indexes"]) + "."]
    return lines


def table(results: dict, weight: dict, args, stored: dict, in_process: dict, warmup_seconds: float,
          wal: dict | None = None) -> str:
    """The markdown tables of one run, with the ratios and targets."""
    get_raw, get_gz, render = results["get"], results["get_gzip"], results["bare_render"]
    post, bare_insert = results["post"], results["bare_insert"]
    naive_get, naive_post = results["naive_get"], results["naive_post"]
    lines = [f"{args.seconds:g} s per scenario in {args.rounds} interleaved rounds of {args.slices} passes through every "
             f"scenario ({args.seconds / args.rounds / args.slices:g} s each) after a {warmup_seconds:g} s "
             f"warm-up, {args.clients} connections (wrk, 1 thread), gunicorn {args.workers} sync workers for both "
             "apps. p50: mean of the rounds' medians weighted by requests; p99: the worst round's.", "",
             "| scenario | requests | req/s | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|",
             _row("GET 30-question page (survey app)", get_raw),
             _row("GET 30-question page, `Accept-Encoding: gzip, br` (survey app)", get_gz),
             _row("GET bare template render (baseline)", render),
             _row("GET naive equal-work app's page (Flask-WTF form)", naive_get),
             _row("final POST of 30 answers, one respondent each (survey app)", post),
             _row("POST naive equal-work app: Flask-WTF + 1 + 30 rows (baseline)", naive_post),
             _row("POST bare one-row insert (baseline)", bare_insert), "",
             "| target | measured | result |", "|---|---|---|"]
    ratio_get, ratio_gz = get_raw["rate"] / render["rate"], get_gz["rate"] / render["rate"]
    ratio_post = post["rate"] / bare_insert["rate"]
    post_naive = [p / n for p, n in zip(post["round_rates"], naive_post["round_rates"], strict=True)]
    get_naive = [g / n for g, n in zip(get_raw["round_rates"], naive_get["round_rates"], strict=True)]
    checks = [
        ("final POST ≥ 1.5x the naive equal-work app, every round",
         " / ".join(f"{r:.2f}x" for r in post_naive), min(post_naive) >= 1.5),
        ("page GET ≥ 4x the naive equal-work app, every round",
         " / ".join(f"{r:.2f}x" for r in get_naive), min(get_naive) >= 4),
        ("page GET ≥ 50% of bare render", f"{ratio_get:.0%} ({ratio_gz:.0%} compressed)", ratio_get >= 0.5),
        ("final POST ≥ 1,000/s", f"{post['rate']:,.0f}/s", post["rate"] >= 1000),
        ("final POST ≥ 40% of bare one-row insert", f"{ratio_post:.0%}", ratio_post >= 0.4),
        (f"final POST p99 < 100 ms at {args.clients} clients", f"{_ms(post['p99_us'])} ms", post["p99_us"] < 100_000),
        ("page ≤ 50 KB transferred", f"{weight['transferred']:,} B (HTML {weight['html']:,} B, "
                                     f"{weight['html_gzip']:,} B gzip)", weight["transferred"] <= 50_000),
    ]
    lines += [f"| {name} | {value} | {_verdict(ok)} |" for name, value, ok in checks]
    lines += [""] + _rounds(results)
    lines += ["", _in_process_table(in_process)]
    if wal is not None:
        lines += [""] + _wal(wal, stored)
    lines += ["", WHY, "", f"Stored: {stored['complete']:,} complete responses for {stored['posted']:,} final POSTs wrk "
                  f"counted (warm-up included; up to {args.clients} per wrk run more may have finished as wrk stopped), "
                  f"{stored['partial']} partial, answers per response {stored['answers']}. Storage: "
                  f"{stored['bytes_per_response']:,.0f} bytes per complete response with its 30 answers (tables "
                  f"and indexes), {stored['bytes_per_invitation']:,.0f} bytes per invitation."]
    return "\n".join(lines)


def write_section(body: str) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (other sections are left alone)."""
    section = f"{MARK_START}\n## Respondent traffic (`benchmarks/bench_respondent.py`)\n\n{body}\n{MARK_END}"
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if MARK_START in current and MARK_END in current:
        before, rest = current.split(MARK_START, 1)
        updated = before + section + rest.split(MARK_END, 1)[1]
    else:
        updated = current.rstrip("\n") + "\n\n" + section + "\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(updated, encoding="utf-8")


def _in_process_table(timings: dict) -> str:
    """Cost per request without HTTP server and load generator (Flask test client, same database)."""
    rows = [("30-question page GET", "get", "bare template render", "render"),
            ("30-question page GET", "get", "naive equal-work page", "naive_get"),
            ("final POST of 30 answers", "post", "bare one-row insert", "insert"),
            ("final POST of 30 answers", "post", "naive equal-work POST (1 + 30 rows)", "naive_post"),
            ("later page's save (page 2 of 3, 10 answers)", "page_save", "bare one-row insert", "insert")]
    lines = [f"The same requests one at a time in one process (Flask test client, {timings['n']} each, same "
             "database; the application's own cost, without the HTTP server, wrk and their competition for the "
             "cores):", "", "| request | survey app ms | baseline | baseline ms | baseline time / ours |", "|---|---:|---|---:|---:|"]
    for name, ours, bare_name, bare in rows:
        lines.append(f"| {name} | {timings[ours]:.2f} | {bare_name} | {timings[bare]:.2f} | "
                     f"{timings[bare] / timings[ours]:.0%} |")
    return "\n".join(lines)
