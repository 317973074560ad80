"""argon2id password hashing and the password policy."""
from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

MIN_LENGTH = 10

#: Passwords that meet the length and character rules but appear at the top of every leaked list.
COMMON = frozenset({
    "password12", "password123", "password1234", "qwerty1234", "qwerty12345", "1q2w3e4r5t", "1q2w3e4r5t6y",
    "abcd123456", "abc1234567", "a123456789", "iloveyou12", "admin12345", "welcome123", "qwer123456",
    "asdf123456", "zxcv123456", "korea12345", "epost12345", "koreapost1",
})


class PasswordPolicyError(ValueError):
    """A password that the policy refuses."""


def check_policy(password: str, username: str = "") -> None:
    """Refuse short passwords, ones without letters and digits, and ones containing the username."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(_("비밀번호는 %(n)s자 이상이어야 합니다.", n=MIN_LENGTH))
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise PasswordPolicyError(_("비밀번호에는 문자와 숫자가 모두 있어야 합니다."))
    if password.lower() in COMMON or len(set(password)) < 4:
        raise PasswordPolicyError(_("너무 흔하거나 단순한 비밀번호입니다."))
    if username and username.lower() in password.lower():
        raise PasswordPolicyError(_("비밀번호에 아이디를 넣을 수 없습니다."))


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
