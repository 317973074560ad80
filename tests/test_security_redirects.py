"""Sign-in and language switch follow only a path on this site (open redirect, 500 on a line break)."""
from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.web.redirects import same_site_path

SITE = "https://survey.example/"
PAYLOADS = ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "//evil.example", "/\\evil.example",
            "\\/evil.example", "/\\/evil.example", " //evil.example", "https://evil.example/", "javascript:alert(1)",
            "/%09/evil.example".replace("%09", "\t"), "\t//evil.example", "///evil.example", "evil.example",
            "/\x00/evil.example", "/\x7f/evil.example"]


def as_browser_reads(location: str) -> str:
    """What a browser's URL parser makes of a Location header value, resolved against this site."""
    trimmed = location.strip("".join(map(chr, range(0x21))))
    cleaned = trimmed.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return urljoin(SITE, cleaned)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_target_on_another_host_falls_back_to_the_default(payload):
    assert same_site_path(payload, "/manage/") == "/manage/"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("/\\\t\n\r .:@?#%ex") + ["\x00", "\x0b", "\u3000", "／"]), max_size=12))
def test_whatever_is_followed_stays_on_this_site(target):
    followed = same_site_path(target, "/manage/")
    assert urlsplit(as_browser_reads(followed)).netloc == "survey.example"


@pytest.mark.parametrize("target", ["/manage/surveys/3?tab=waves", "/manage/", "/manage/search?q=%ED%99%8D"])
def test_a_same_site_path_is_kept(target):
    assert same_site_path(target, "/manage/") == target


@pytest.mark.parametrize("payload", ["/\t/evil.example", "/\n/evil.example", "/\\evil.example", "//evil.example"])
def test_sign_in_never_leaves_the_site(client, make_user, payload):
    make_user("redirect_user")
    answer = client.post(f"/manage/login?next={quote(payload, safe='')}",
                         data={"username": "redirect_user", "password": "Sokcho2026pass"})
    assert answer.status_code == 302
    assert urlsplit(as_browser_reads(answer.headers["Location"])).netloc in ("", "survey.example", "localhost")
    assert answer.headers["Location"].endswith("/manage/")


def test_sign_in_follows_a_same_site_next(client, make_user):
    make_user("redirect_user2")
    answer = client.post("/manage/login?next=/manage/account",
                         data={"username": "redirect_user2", "password": "Sokcho2026pass"})
    assert answer.headers["Location"].endswith("/manage/account")


@pytest.mark.parametrize("payload", ["/manage\n/x", "/manage/\t/evil.example", "/manage\\evil.example"])
def test_language_switch_never_leaves_the_site(client, make_user, payload):
    make_user("lang_user")
    client.post("/manage/login", data={"username": "lang_user", "password": "Sokcho2026pass"})
    answer = client.post("/manage/language", data={"locale": "en", "next": payload})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/manage/")
