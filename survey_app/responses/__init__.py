"""Respondents' links and responses: resolving links, saving pages, completing exactly once."""
