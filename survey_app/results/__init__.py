"""Results of surveys in the app: stored answers → arrays → :mod:`analysis` → pages, JSON and the CLI.

- :mod:`.loading` streams a wave's complete responses into a responses x codes matrix with
  segment arrays and weights, and counts invitations and responses in SQL;
- :mod:`.scoring` builds the full :class:`~.scoring.WaveResult` of a wave (JSON-serialisable);
- :mod:`.cli` is ``survey-app report WAVE [--json]``; :mod:`.views` the staff results pages.
"""
