"""The window of an event, as an index into the step's consecutive windows.

The rule is the generated `window_events.sql`'s (an event belongs to the window
`[window_start, window_end)` that holds its event time); the driver's counts and each window's
choice of inputs, and live mode's open windows, state it once, here.
"""


def slot_of(plan, length, origin=0):
    """floor((event time − origin) / length) as a Column: which window of `length` after `origin`
    (epoch seconds) holds a row's event time."""
    from pyspark.sql import functions as F

    seconds = int(length.total_seconds())
    return F.floor((F.unix_timestamp(F.col(plan.event_time)) - origin) / seconds)


def window_slot(plan, request):
    """The index of the step's window that holds a row's event time (a Column): floor((t − first
    start) / length). Windows beyond the step's span get indexes outside `range(len(windows))`."""
    first, _ = request.span
    return slot_of(plan, request.length, int(first.timestamp()))


def window_start_column(plan, length):
    """The start of the window holding an event (epoch seconds; windows aligned to the epoch)."""
    return slot_of(plan, length) * int(length.total_seconds())
