"""Key files are checked at start: a damaged or missing one stops the app with one line, and keys are made
only for a new instance (never while the database holds data sealed with the old ones)."""
from __future__ import annotations

import os
import stat

import pytest

from survey_app import ConfigError, create_app, migrate
from survey_app.database import db
from survey_app.privacy.crypto import key_ring, new_key
from tests.test_cli import assert_one_line_error, survey_app


def instance_settings(folder) -> dict:
    return {"TESTING": True, "INSTANCE_PATH": str(folder), "SECRET_KEY": "test-secret"}


@pytest.fixture
def used_instance(tmp_path):
    """An instance folder whose SQLite database holds one encrypted contact, with its key files."""
    from survey_app.privacy.contacts import add_contact

    app = create_app(instance_settings(tmp_path))
    with app.app_context():
        migrate.upgrade(db.engine)
        add_contact(name="홍길동", phone="010-1234-5678", consent=True)
        db.session.commit()
    app.extensions["survey_engine"].dispose()
    return tmp_path


@pytest.mark.parametrize("content, says", [(b"", "비어 있습니다"), (b"not a key\n", "손상되었습니다"),
                                           (b"\xff\xfe\x00garbage", "손상되었습니다")])
def test_a_damaged_data_key_file_stops_the_cli_with_one_line(used_instance, content, says):
    (used_instance / "data_keys").write_bytes(content)
    result = survey_app("surveys", env={"SURVEY_INSTANCE_PATH": str(used_instance)})
    assert_one_line_error(result, "data_keys")
    assert says in result.stderr and "백업" in result.stderr and "restore" in result.stderr


def test_an_unreadable_key_file_stops_the_app(used_instance):
    (used_instance / "lookup_key").unlink()
    (used_instance / "lookup_key").mkdir()  # unreadable as a file, even for root
    with pytest.raises(ConfigError, match="lookup_key: 키 파일을 읽을 수 없습니다"):
        create_app(instance_settings(used_instance))


@pytest.mark.parametrize("lost", ["data_keys", "lookup_key"])
def test_a_missing_key_file_is_not_made_again(used_instance, lost):
    kept = (used_instance / lost).read_bytes()
    (used_instance / lost).unlink()
    result = survey_app("surveys", env={"SURVEY_INSTANCE_PATH": str(used_instance)})
    assert_one_line_error(result, f"{lost}: 키 파일이 없습니다")
    assert not (used_instance / lost).exists()
    (used_instance / lost).write_bytes(kept)
    assert survey_app("surveys", env={"SURVEY_INSTANCE_PATH": str(used_instance)}).returncode == 0


def test_both_key_files_missing_with_encrypted_contacts_stops_the_app(used_instance):
    for name in ("data_keys", "lookup_key"):
        (used_instance / name).unlink()
    with pytest.raises(ConfigError, match="데이터베이스에 암호화된 개인정보가 있습니다"):
        create_app(instance_settings(used_instance))
    assert not (used_instance / "data_keys").exists() and not (used_instance / "lookup_key").exists()


def test_only_anonymised_contacts_need_no_key_and_new_keys_are_made(tmp_path):
    """A contact whose identifiers were erased (retention's anonymise) holds nothing sealed: an instance with
    only such contacts and no key files starts and makes its keys instead of refusing."""
    from survey_app.models import Contact

    app = create_app(instance_settings(tmp_path))
    with app.app_context():
        migrate.upgrade(db.engine)
        db.session.add(Contact(attributes={"region": "R-SEOUL"}, consent=True, source="anonymised"))
        db.session.commit()
    app.extensions["survey_engine"].dispose()
    assert not (tmp_path / "data_keys").exists()
    again = create_app(instance_settings(tmp_path))
    with again.app_context():
        assert len(key_ring().data_keys) == 1
    again.extensions["survey_engine"].dispose()
    assert (tmp_path / "data_keys").exists() and (tmp_path / "lookup_key").exists()


def test_a_new_instance_gets_private_key_files(tmp_path):
    app = create_app(instance_settings(tmp_path))
    with app.app_context():
        migrate.upgrade(db.engine)
        assert len(key_ring().data_keys) == 1
    app.extensions["survey_engine"].dispose()
    for name in ("data_keys", "lookup_key"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600


def test_keys_from_settings_need_no_files_but_must_be_keys(tmp_path):
    create_app({**instance_settings(tmp_path), "DATA_KEYS": new_key(), "LOOKUP_KEY": new_key()})
    assert not (tmp_path / "data_keys").exists()
    with pytest.raises(ConfigError, match="SURVEY_LOOKUP_KEY"):
        create_app({**instance_settings(tmp_path), "DATA_KEYS": new_key(), "LOOKUP_KEY": "short"})
