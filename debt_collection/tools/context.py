"""What a step action knows about the pass it runs in."""

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class StepContext:
    """Given to every step action (``_execute_action_<action>``) instead of
    positional arguments, so that actions read what they need and new
    knowledge does not change every signature.

    ``company`` (res.company) and ``run`` (debt.collection.run, possibly
    empty) are records; ``run_date`` is the company's day of the pass;
    ``origin`` is "automatic" (a collection run) or "manual" (the to-do
    list).
    """

    company: Any
    run_date: date
    run: Any
    origin: str = "automatic"
