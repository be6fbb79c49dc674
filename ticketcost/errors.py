"""The one exception type the project raises for bad input.

The CLI catches :class:`TicketcostError` in a single place and prints ``Error: <message>`` on one
line with exit code 2. Library callers can catch it too (it is a ``ValueError``).

An error about one parameter's value names the parameter as the library spells it (``discount``,
``volumes``); a hint names other parameters in backquotes (`` `pricing` ``, listed in ``hints``).
:meth:`TicketcostError.message_with` lets the command line say their flags instead
(``--discount``, ``--pricing``), so the core never needs to know about flags.
"""

from __future__ import annotations

from collections.abc import Callable


class TicketcostError(ValueError):
    """Bad input: a file, a field or a parameter that cannot be used. The message is one line.

    ``param``, when given, is the parameter whose value is wrong; the message then starts with
    the parameter's name.
    """

    exit_code = 2

    def __init__(
        self, message: str, *, param: str | None = None, hints: tuple[str, ...] = ()
    ) -> None:
        if param is not None and not message.startswith(param):
            message = f"{param}: {message}"
        super().__init__(message)
        self.param = param
        self.hints = hints  # other parameters the message names, each in backquotes

    @property
    def message(self) -> str:
        return str(self.args[0])

    def message_with(self, name_of: Callable[[str], str]) -> str:
        """The message with each parameter it names said as ``name_of(param)``: the leading
        ``param``, and each of ``hints`` where the message writes it in backquotes."""
        message = self.message
        if self.param is not None:
            message = name_of(self.param) + message[len(self.param) :]
        for name in self.hints:
            message = message.replace(f"`{name}`", name_of(name))
        return message
