"""Use-case functions: plain values in, one transaction's worth of changes, Dutch errors out.

They flush but never commit; the caller (view, CLI, test) commits once.
"""

from zet import history as _history  # noqa: F401,E402  (keeps the change history on every flush)
