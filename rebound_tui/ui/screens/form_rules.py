"""Validators the forms build from their own rules: a function's message, or a rule that only
applies once a value is given. Named in form_base.py too, where the forms import them from."""

from __future__ import annotations

from collections.abc import Callable

from textual.validation import ValidationResult, Validator

__all__ = ["Rule", "WhenGiven"]


class Rule(Validator):
    """A validator from a function returning an error message or None (for cross-field rules)."""

    def __init__(self, check: Callable[[str], str | None]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        problem = self.check(value)
        return self.failure(problem) if problem else self.success()


class WhenGiven(Validator):
    """Runs `inner` only on a non-blank value (for fields that also carry an always-on rule)."""

    def __init__(self, inner: Validator) -> None:
        super().__init__()
        self.inner = inner

    def validate(self, value: str) -> ValidationResult:
        return self.inner.validate(value) if value.strip() else self.success()
