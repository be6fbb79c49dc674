"""ticketcost: what one AI-handled customer-support ticket really costs.

The package is library first: ``ticketcost.pricing`` loads price tables, ``ticketcost.conversation``
prices a conversation turn by turn, ``ticketcost.estimate`` compares models. ``ticketcost.cli`` is a
thin command-line layer over them. Nothing here imports heavy modules at import time.
"""

__version__ = "0.1.0"
