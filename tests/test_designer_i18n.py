"""Staff-page translations: every message of the designer, courtesy and org pages has English text,
and the committed ``.mo`` is the compiled form of the ``.po`` (no manual compile step anywhere)."""
from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "survey_app" / "translations" / "en" / "LC_MESSAGES"


def _extracted() -> set[str]:
    method_map, options = [], {}
    for line in (ROOT / "survey_app" / "translations" / "babel.cfg").read_text().splitlines():
        if line.startswith("["):
            method, _sep, pattern = line.strip("[]").partition(": ")
            method_map.append((pattern, method))
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options, keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_staff_message_has_an_english_translation():
    catalogue = read_po((CATALOGUE / "messages.po").open("rb"))
    translated = {m.id for m in catalogue if m.id and m.string}
    missing = sorted(_extracted() - translated)
    assert missing == [], f"add English for these to messages.po (and recompile the .mo): {missing[:20]}"


def test_compiled_catalogue_matches_the_po_file():
    catalogue = read_po((CATALOGUE / "messages.po").open("rb"))
    compiled = read_mo((CATALOGUE / "messages.mo").open("rb"))
    expected = {m.id: m.string for m in catalogue if m.id}
    assert {m.id: m.string for m in compiled if m.id} == expected
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    assert buffer.getvalue() == (CATALOGUE / "messages.mo").read_bytes()


def test_korean_is_the_default_and_respondent_pages_stay_korean(client, db, make_user, app_ctx):
    from tests.designer_support import staff

    user_id = staff(make_user, app_ctx, client)
    from survey_app.models import User
    with app_ctx() as session:
        session.get(User, user_id).locale = "en"
    assert "New survey" in client.get("/manage/surveys/new").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert '<html lang="ko"' in home
