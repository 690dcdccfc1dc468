"""Errors the service raises for bad input: the message says what is wrong and what to do."""

from __future__ import annotations


class ServiceError(Exception):
    """Bad input from the user: the CLI prints it on one line (exit 2); the dashboard shows it."""


class NotFound(ServiceError):
    pass


class Ambiguous(ServiceError):
    pass
