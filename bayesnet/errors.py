"""The exception hierarchy: every error a user can cause is a :class:`BayesnetError`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "BayesnetError",
    "PriorsError",
    "EvidenceError",
    "ImpossibleEvidenceError",
    "did_you_mean",
]


class BayesnetError(Exception):
    """Base class of every error raised for bad input (priors, evidence, options)."""


class PriorsError(BayesnetError):
    """The knowledge base in ``priors/`` breaks the schema; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the knowledge base"
        super().__init__(head + ":\n  - " + "\n  - ".join(self.problems))


class EvidenceError(BayesnetError, ValueError):
    """Evidence names an unknown node or state, or gives a value out of range."""


class ImpossibleEvidenceError(EvidenceError):
    """The evidence has probability zero under the model (e.g. a women-only finding in a man)."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""
