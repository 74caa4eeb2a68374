"""The window of an event, as an index into the step's consecutive windows.

The rule is the generated `window_events.sql`'s (an event belongs to the window
`[window_start, window_end)` that holds its event time); the driver's counts and each window's
choice of inputs state it once, here, as the window's index from the step's first start.
"""


def window_slot(plan, request):
    """The index of the step's window that holds a row's event time (a Column): floor((t − first
    start) / length). Windows beyond the step's span get indexes outside `range(len(windows))`."""
    from pyspark.sql import functions as F

    first, _ = request.span
    seconds = int(request.length.total_seconds())
    return F.floor((F.unix_timestamp(F.col(plan.event_time)) - int(first.timestamp())) / seconds)
