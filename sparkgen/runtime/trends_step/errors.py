"""The step's own error: a bad argument or setting (exit 2, nothing written). Its own module so that
every module may raise it without importing the entry (cli.py imports them all)."""


class UsageError(Exception):
    """A bad argument or setting: exit 2, nothing written."""
