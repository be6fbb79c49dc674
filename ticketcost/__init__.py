"""ticketcost: what one AI-handled customer-support ticket really costs."""

__version__ = "0.1.0"
