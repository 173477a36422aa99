"""Exact money: amounts leave the database as floats and become Decimals here."""

from decimal import ROUND_HALF_UP, Decimal

# The usual quanta, made once (the planner converts every open item).
_QUANTA = {digits: Decimal(1).scaleb(-digits) for digits in range(5)}


def to_decimal(value, digits=2):
    """A float amount from the ORM as an exact Decimal, rounded half-up."""
    if value is None:
        return Decimal(0)
    quantum = _QUANTA.get(digits) or Decimal(1).scaleb(-digits)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
