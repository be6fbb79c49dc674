"""The one exception type the project raises for bad input.

The CLI catches :class:`TicketcostError` in a single place and prints ``Error: <message>`` on one
line with exit code 2. Library callers can catch it too (it is a ``ValueError``).

An error about one parameter's value names the parameter as the library spells it (``discount``,
``volumes``); :meth:`TicketcostError.message_with` lets the command line say its flag instead
(``--discount``), so the core never needs to know about flags.
"""

from __future__ import annotations

from collections.abc import Callable


class TicketcostError(ValueError):
    """Bad input: a file, a field or a parameter that cannot be used. The message is one line.

    ``param``, when given, is the parameter whose value is wrong; the message then starts with
    the parameter's name.
    """

    exit_code = 2

    def __init__(self, message: str, *, param: str | None = None) -> None:
        if param is not None and not message.startswith(param):
            message = f"{param}: {message}"
        super().__init__(message)
        self.param = param

    @property
    def message(self) -> str:
        return str(self.args[0])

    def message_with(self, name_of: Callable[[str], str]) -> str:
        """The message with the parameter's name replaced by ``name_of(param)``."""
        if self.param is None:
            return self.message
        return name_of(self.param) + self.message[len(self.param) :]
