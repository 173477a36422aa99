"""Amounts in words for printed documents: "sto dwadzieścia trzy złote 45/100".

num2words spells the integer part; the currency word is ours, because its form
depends on the number in Polish (1 złoty, 2-4 złote, 5 złotych, but 12-14
złotych and 22-24 złote) and num2words' own currency mode words the cents too,
which a Polish document writes as a fraction ("45/100").
"""

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

CENT = Decimal("0.01")

# (one, few: 2-4, many) as in "1 złoty", "2 złote", "5 złotych"
POLISH_CURRENCIES = {
    "PLN": ("złoty", "złote", "złotych"),
    "EUR": ("euro", "euro", "euro"),
    "USD": ("dolar", "dolary", "dolarów"),
}
# (one, other)
ENGLISH_CURRENCIES = {
    "PLN": ("zloty", "zlotys"),
    "EUR": ("euro", "euros"),
    "USD": ("dollar", "dollars"),
}


def polish_plural(number):
    """0 (one), 1 (few) or 2 (many): the Polish form for a non-negative integer.

    Only exactly 1 is singular (21 and 101 take "many"); a number ending in
    2-4 takes "few" unless it ends in 12-14.
    """
    if number == 1:
        return 0
    if number % 10 in (2, 3, 4) and number % 100 not in (12, 13, 14):
        return 1
    return 2


def _is_polish(lang):
    """'pl', 'pl_PL', 'pl-PL' are Polish; anything else (or nothing) is English."""
    return str(lang or "").replace("-", "_").split("_")[0].lower() == "pl"


def _decimal(amount):
    """Decimal, int or str as is; a float (an ORM amount) through its repr."""
    if isinstance(amount, float):
        return Decimal(repr(amount))
    return Decimal(amount)


def amount_in_words(amount, currency_code, lang):
    """'sto dwadzieścia trzy złote 45/100' for Decimal('123.45'), 'PLN', 'pl' (num2words for the integer
    part, lang 'pl' or 'en'; lang codes like 'pl_PL'/'en_US' accepted; anything else -> English).
    Polish currency words with correct plural forms: PLN: 1 złoty, 2-4 złote (but 12-14 złotych, and 22-24
    złote, 102 złote...), 0 and 5-21 złotych...; EUR: euro (invariant); USD: dolar/dolary/dolarów; others:
    the ISO code. English: 'one hundred and twenty-three zlotys 45/100' (PLN zloty/zlotys, EUR euro/euros,
    USD dollar/dollars, others the code; singular for exactly 1). The cents always as two digits + '/100'.
    Negative amounts: prefix 'minus ' / 'minus '. Amount is rounded half-up to 2 decimals first.
    """
    value = _decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "minus " if value < 0 else ""
    value = abs(value)
    units = int(value)
    cents = int((value - units) * 100)
    code = (currency_code or "").upper()
    if _is_polish(lang):
        words = num2words(units, lang="pl")
        forms = POLISH_CURRENCIES.get(code)
        currency = forms[polish_plural(units)] if forms else code
    else:
        words = num2words(units, lang="en")
        forms = ENGLISH_CURRENCIES.get(code)
        currency = (forms[0] if units == 1 else forms[1]) if forms else code
    spelled = f"{words} {currency}" if currency else words  # no code: no word
    return f"{sign}{spelled} {cents:02d}/100"
