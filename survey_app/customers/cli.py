"""The ``survey-app customers`` command group (customer records: imports, person requests, exports)."""
from __future__ import annotations

from flask.cli import AppGroup

from .requests_cli import COMMANDS as REQUEST_COMMANDS

customers_group = AppGroup("customers", help="고객 데이터베이스 (customer records).")
for _command in REQUEST_COMMANDS:
    customers_group.add_command(_command)
