"""The CDNOW transactions (69,659 purchases of 23,570 customers, 1997–98), read from the ``lifetimes`` wheel.

The wheel is fetched once with ``pip download --no-deps`` into pytest's cache (lifetimes itself is never
installed or imported: its pandas and autograd dependencies are not ours), and the text file is read from it.
"""
from __future__ import annotations

import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

WHEEL = "lifetimes==0.11.3"
MEMBER = "lifetimes/datasets/CDNOW_master.txt"


@pytest.fixture(scope="session")
def cdnow_master(request, tmp_path_factory) -> Path:
    """Path of CDNOW_master.txt (customer id, YYYYMMDD, number of CDs, dollars), downloaded once (per run when
    pytest's cache is switched off with ``-p no:cacheprovider``)."""
    cache = getattr(request.config, "cache", None)
    folder = Path(cache.mkdir("lifetimes_wheel")) if cache is not None else tmp_path_factory.mktemp("lifetimes_wheel")
    target = folder / "CDNOW_master.txt"
    if not target.is_file():
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(folder), WHEEL],
                       check=True, timeout=300)
        wheel = next(folder.glob("[Ll]ifetimes-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            target.write_bytes(archive.read(MEMBER))
    return target


def cdnow_rows(path: Path):
    """(customer id, YYYYMMDD, CDs, dollars as Decimal) for each purchase, straight from the text file."""
    with path.open(encoding="ascii") as lines:
        next(lines)  # the header
        for line in lines:
            customer, day, cds, dollars = line.split()
            yield customer, day, int(cds), Decimal(dollars)


def won(dollars: Decimal) -> int:
    """The dollar value as won at a fixed 1,000 won a dollar (exact: two decimal places)."""
    return int(dollars * 1000)


def write_orders_csv(source: Path, target: Path) -> None:
    """The purchases as a Korean order file: 주문번호, 고객번호, 주문일 (20260305 form), 수량, 금액 (12,300원)."""
    with target.open("w", encoding="utf-8", newline="") as out:
        out.write("주문번호,고객번호,주문일,수량,금액,주문상태\n")
        for n, (customer, day, cds, dollars) in enumerate(cdnow_rows(source), start=1):
            out.write(f'CD{n:06d},CDNOW-{customer},{day},{cds},"{won(dollars):,}원",배송\n')
