"""The step's own error: a bad argument or setting (exit 2, nothing written). Its own module so that
every module may raise it without importing the entry (cli.py imports them all)."""


class UsageError(Exception):
    """A bad argument or setting: exit 2, nothing written."""


def exit_code(main, log):
    """Runs `main()`: 0 when it returns, 2 on a UsageError (its one line logged), 1 on anything
    else (the traceback logged). The exit codes of the step contract (sparkgen/README.md)."""
    import traceback

    try:
        main()
        return 0
    except UsageError as e:
        log(str(e))
        return 2
    except Exception:
        log("failed:\n" + traceback.format_exc())
        return 1
