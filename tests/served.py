"""`survey-app serve` — the command the README tells operators to run — as a process tests can start,
talk to and kill. Browser, crash, load and security tests run against it, not only against a WSGI app
served in the test's own process."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> str:
    """The body of ``url`` once it answers; fails after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return answer.read().decode("utf-8")
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without its SURVEY_ settings, plus ``settings``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}, **settings}


class Served:
    """``survey-app serve`` (gunicorn) in its own process group, killable; its output goes to ``log``."""

    def __init__(self, env: dict[str, str], log: Path, port: int | None = None, workers: int = 2) -> None:
        self.env, self.log = env, log
        self.port, self.workers_wanted = port or free_port(), workers
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, seconds: float = 30) -> None:
        """Start and wait until it answers."""
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "survey_app", "serve", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(self.workers_wanted)],
                env=self.env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
        try:
            wait_for(f"{self.url}/api/v1/health", seconds)
        except AssertionError:
            raise AssertionError(f"survey-app serve did not answer; its log:\n{self.log.read_text()[-3000:]}") from None

    def workers(self) -> list[int]:
        """Process ids of the master's live workers."""
        return [pid for pid, parent in _processes() if parent == self.process.pid]

    def kill_worker(self) -> int:
        """kill -9 one worker (the master starts another)."""
        victim = self.workers()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def kill_master(self) -> list[int]:
        """kill -9 the master alone; returns the workers it had."""
        orphans = self.workers()
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        return orphans

    def kill_everything(self) -> None:
        """kill -9 the master and every worker at once (the host crashed)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop whatever still runs: gracefully (gunicorn gives workers 30 s to finish), else kill -9."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:  # a loaded machine: don't leave a server behind
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie counts as gone)."""
    return any(p == pid for p, _parent in _processes())


def _processes() -> Iterator[tuple[int, int]]:
    """(pid, parent pid) of every live, non-zombie process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            yield int(entry.name), int(fields[1])


@contextmanager
def served(env: dict[str, str], log: Path, workers: int = 2) -> Iterator[Served]:
    """``survey-app serve`` running for the ``with`` block."""
    server = Served(env, log, workers=workers)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def served_instance(instance: Path | str, secret: str, workers: int = 2, **settings: str) -> Iterator[Served]:
    """``survey-app serve`` on the instance folder (and database) a test's in-process app also uses."""
    env = clean_environment(SURVEY_INSTANCE_PATH=str(instance), SURVEY_SECRET_KEY=secret,
                            **{f"SURVEY_{name}": str(value) for name, value in settings.items()})
    with served(env, Path(instance) / f"serve-{free_port()}.log", workers=workers) as server:
        yield server
