"""argon2id password hashing and the password policy (length, letters and digits, zxcvbn strength)."""
from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

MIN_LENGTH = 10
#: The least zxcvbn score (0–4) a password needs: 3 is "safely unguessable" against an online attack
#: that is throttled, and a stolen hash stays expensive (argon2id).
MIN_SCORE = 3
#: Words of the organisation that make a password easy to guess here, whatever a general list says.
ORGANISATION_WORDS = ("koreapost", "epost", "korea", "post", "woojung", "woochegook", "survey", "우체국", "우정")

#: zxcvbn's English warnings → the reason we give in the reader's language.
_REASONS = {
    "This is a top-10 common password.": _l("널리 쓰이는 비밀번호입니다"),
    "This is a top-100 common password.": _l("널리 쓰이는 비밀번호입니다"),
    "This is a very common password.": _l("널리 쓰이는 비밀번호입니다"),
    "This is similar to a commonly used password.": _l("널리 쓰이는 비밀번호와 비슷합니다"),
    "Straight rows of keys are easy to guess.": _l("키보드 배열을 따라 친 글자가 있습니다"),
    "Short keyboard patterns are easy to guess.": _l("키보드 배열을 따라 친 글자가 있습니다"),
    'Repeats like "aaa" are easy to guess.': _l("같은 글자나 글자 묶음이 되풀이됩니다"),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': _l("같은 글자나 글자 묶음이 되풀이됩니다"),
    'Sequences like "abc" or "6543" are easy to guess.': _l("abc, 6543처럼 차례대로 이어지는 글자가 있습니다"),
    "Recent years are easy to guess.": _l("최근 연도나 날짜가 들어 있습니다"),
    "Dates are often easy to guess.": _l("최근 연도나 날짜가 들어 있습니다"),
    "A word by itself is easy to guess.": _l("흔한 낱말 하나로 되어 있습니다"),
    "Names and surnames by themselves are easy to guess.": _l("흔한 이름이 들어 있습니다"),
    "Common names and surnames are easy to guess.": _l("흔한 이름이 들어 있습니다"),
}


class PasswordPolicyError(ValueError):
    """A password that the policy refuses."""


def check_policy(password: str, username: str = "") -> None:
    """Refuse short passwords, ones without letters and digits, ones containing the username, and ones
    the zxcvbn strength estimator finds easy to guess (common passwords, keyboard rows, dates, repeats)."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(_("비밀번호는 %(n)s자 이상이어야 합니다.", n=MIN_LENGTH))
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise PasswordPolicyError(_("비밀번호에는 문자와 숫자가 모두 있어야 합니다."))
    if username and username.lower() in password.lower():
        raise PasswordPolicyError(_("비밀번호에 아이디를 넣을 수 없습니다."))
    _check_strength(password, username)


def _check_strength(password: str, username: str) -> None:
    """Refuse a password zxcvbn scores below :data:`MIN_SCORE`, naming why in the reader's language."""
    from zxcvbn import zxcvbn  # its dictionaries load only when a password is set

    estimate = zxcvbn(password[:72], user_inputs=[w for w in (username, *ORGANISATION_WORDS) if w])
    if estimate["score"] >= MIN_SCORE:
        return
    reason = _REASONS.get(estimate["feedback"].get("warning") or "", _l("짐작하기 쉬운 낱말이나 배열로 되어 있습니다"))
    raise PasswordPolicyError(_("너무 쉽게 짐작할 수 있는 비밀번호입니다(%(reason)s). 서로 관계없는 낱말을 "
                                "여러 개 잇거나 더 길게 만들어 주십시오.", reason=reason))


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters."""
    return _hasher.check_needs_rehash(password_hash)


def generate_password(length: int = 16) -> str:
    """A random password that satisfies the policy."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _position in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate
