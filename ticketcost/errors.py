"""The one exception type the project raises for bad input.

The CLI catches :class:`TicketcostError` in a single place and prints ``Error: <message>`` on one
line with exit code 2. Library callers can catch it too (it is a ``ValueError``).
"""

from __future__ import annotations


class TicketcostError(ValueError):
    """Bad input: a file, a field or a flag that cannot be used. The message is one line."""

    exit_code = 2
