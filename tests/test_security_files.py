"""Files holding personal data are readable by the app's user only: 0600 files in 0700 folders."""
from __future__ import annotations

import os
import stat

import pytest

from survey_app.distribution.channels import Outgoing
from survey_app.distribution.channels.email import FileMailChannel
from survey_app.distribution.channels.sms import FileSmsChannel
from survey_app.privacy.files import write_private
from tests.test_results_support import seed_hand_wave


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """The usual umask (0022), under which plain writes make world-readable files."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_file_sms_gateway_writes_private_files(tmp_path, open_umask):
    FileSmsChannel(str(tmp_path)).send(Outgoing("m-1", "010-1234-5678", "설문 https://x/s/abc", message_type="SMS"))
    assert mode(tmp_path / "outbox" / "sms" / "m-1.json") == 0o600
    assert mode(tmp_path / "outbox" / "sms") == 0o700 and mode(tmp_path / "outbox") == 0o700


def test_the_file_mail_gateway_writes_private_files(tmp_path, open_umask):
    channel = FileMailChannel(str(tmp_path))
    channel.send(Outgoing("m-2", "gildong@epost.go.kr", "본문 https://x/s/abc", subject="설문"))
    files = list((tmp_path / "outbox" / "mail").iterdir())
    assert files and all(mode(f) == 0o600 for f in files) and mode(tmp_path / "outbox" / "mail") == 0o700


def test_an_existing_world_readable_file_is_tightened_when_rewritten(tmp_path, open_umask):
    path = tmp_path / "m-3.json"
    path.write_text("old")
    assert mode(path) == 0o644
    write_private(path, b"new")
    assert mode(path) == 0o600 and path.read_bytes() == b"new"


def test_the_export_command_writes_private_files(runner, app_ctx, make_survey, make_org, tmp_path, open_umask):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    out, raw_csv, book_csv = tmp_path / "w.xlsx", tmp_path / "raw.csv", tmp_path / "codebook.csv"
    answer = runner.invoke(args=["export", ids["wave_code"], "--out", str(out), "--csv", str(raw_csv),
                                 "--codebook-csv", str(book_csv)])
    assert answer.exit_code == 0, answer.output
    assert [mode(p) for p in (out, raw_csv, book_csv)] == [0o600] * 3
