"""``python -m survey_app`` is the ``survey-app`` command."""
from .cli import main

main()
