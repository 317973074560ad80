"""What the fuzz tests post: awkward values, and the forms a page shows with the values a browser would
send if the user pressed the button without changing anything."""
from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

AWKWARD = ["", " ", "0", "-1", "1", "2", "4", "7", "9", "10", "61", "1.5", "1e309", "NaN", "inf", "-0", "true", "on",
           "99999999999999999999", "2026-11-20", "2026-02-30", "2026-02-30T25:61", "１", "٣", "a=1", "a=2", "=1",
           "\x00", "x\x00y", "\r\n", "\u202e", "'; DROP TABLE answers; --", "<script>alert(1)</script>", "{Q1}",
           "=1+1", "@SUM(A1)", "010-1234-5678", "a@b.c", "admin", "Q1", "S1", "가" * 301, "가" * 5001]


@dataclass
class Form:
    """A form on a page: where it posts and the name/value pairs it would send as shown."""

    action: str
    method: str
    pairs: list[tuple[str, str]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms, self._form = page_url, [], None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            action = urllib.parse.urljoin(self.page_url, a.get("action") or self.page_url)
            self._form = Form(urllib.parse.urlsplit(action).path + _query(action), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None or "name" not in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        elif tag == "input":
            self._input(a)
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = a["name"], None, False
        elif tag == "button" and a.get("type", "submit") == "submit" and a.get("value"):
            self._form.names.add(a["name"])

    def _input(self, a: dict) -> None:
        kind, name = a.get("type", "text").lower(), a["name"]
        self._form.names.add(name)
        if kind == "file":
            self._form.files.add(name)
        if kind in ("checkbox", "radio") and "checked" not in a:
            return
        if kind not in ("submit", "button", "file", "image", "reset"):
            self._form.pairs.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))

    def _option(self, a: dict) -> None:
        value = a.get("value", "")
        if self._select_first is None:
            self._select_first = value
        if "selected" in a:
            self._form.pairs.append((self._select, value))
            self._select_chosen = True

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea and self._form is not None:
            self._form.names.add(self._textarea)
            self._form.pairs.append((self._textarea, self._text))
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            self._form.names.add(self._select)
            if not self._select_chosen and self._select_first is not None:
                self._form.pairs.append((self._select, self._select_first))
            self._select = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data


def _query(url: str) -> str:
    query = urllib.parse.urlsplit(url).query
    return f"?{query}" if query else ""


def forms_in(html: str, page_url: str) -> list[Form]:
    """The POST forms of a page, with the values they would send unchanged."""
    parser = _FormParser(page_url)
    parser.feed(html)
    return [form for form in parser.forms if form.method == "post"]
