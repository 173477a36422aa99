"""Unit tests of amounts in words (tools/amount_words.py), as printed on notes.

No database: plain ``unittest.TestCase`` classes. Polish currency words take
three forms: 1 → singular ("złoty"); a number ending in 2-4 but not in 12-14 →
"złote"; everything else (0, 5-21, 25-31, 112, 1 000 000...) → "złotych".
"""

import unittest
from decimal import Decimal

from ..tools.amount_words import amount_in_words, polish_plural


def words(amount, currency="PLN", lang="pl"):
    return amount_in_words(Decimal(amount), currency, lang)


class TestPolish(unittest.TestCase):
    def test_issue_example(self):
        self.assertEqual(words("123.45"), "sto dwadzieścia trzy złote 45/100")

    def test_plural_forms_of_zloty(self):
        cases = [
            ("1", "jeden złoty"),  # only exactly 1 is singular
            ("2", "dwa złote"),  # ends in 2-4
            ("4", "cztery złote"),
            ("5", "pięć złotych"),  # 5-21
            ("12", "dwanaście złotych"),  # 12-14 are not "few"
            ("14", "czternaście złotych"),
            ("21", "dwadzieścia jeden złotych"),  # 21 is not singular
            ("22", "dwadzieścia dwa złote"),  # 22-24 again "few"
            ("25", "dwadzieścia pięć złotych"),
            ("102", "sto dwa złote"),
            ("112", "sto dwanaście złotych"),
            ("1000000", "milion złotych"),
            ("2000000", "dwa miliony złotych"),
        ]
        for amount, expected in cases:
            with self.subTest(amount=amount):
                self.assertEqual(words(amount), f"{expected} 00/100")

    def test_plural_rule(self):
        self.assertEqual(
            [polish_plural(n) for n in (0, 1, 2, 4, 5, 11, 12, 13, 14, 21, 22, 24)],
            [2, 0, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1],
        )
        self.assertEqual(
            [polish_plural(n) for n in (101, 102, 111, 114, 1002)], [2, 1, 2, 2, 1]
        )

    def test_cents(self):
        self.assertEqual(words("0.99"), "zero złotych 99/100")
        self.assertEqual(words("0"), "zero złotych 00/100")
        self.assertEqual(words("7.05"), "siedem złotych 05/100")
        self.assertEqual(words("5.5"), "pięć złotych 50/100")
        self.assertEqual(
            words("1234567.89"),
            "milion dwieście trzydzieści cztery tysiące pięćset sześćdziesiąt "
            "siedem złotych 89/100",
        )

    def test_rounded_half_up_first(self):
        # 2.345 → 2.35 (half-even would give 2.34); 0.995 → 1.00, now singular
        self.assertEqual(words("2.345"), "dwa złote 35/100")
        self.assertEqual(words("0.995"), "jeden złoty 00/100")
        self.assertEqual(words("1.994"), "jeden złoty 99/100")

    def test_other_currencies(self):
        self.assertEqual(words("1", "EUR"), "jeden euro 00/100")
        self.assertEqual(words("2", "EUR"), "dwa euro 00/100")
        self.assertEqual(words("25.10", "EUR"), "dwadzieścia pięć euro 10/100")
        self.assertEqual(words("1", "USD"), "jeden dolar 00/100")
        self.assertEqual(words("3", "USD"), "trzy dolary 00/100")
        self.assertEqual(words("5", "USD"), "pięć dolarów 00/100")
        self.assertEqual(words("22", "USD"), "dwadzieścia dwa dolary 00/100")
        self.assertEqual(words("12", "USD"), "dwanaście dolarów 00/100")
        self.assertEqual(words("123.45", "CHF"), "sto dwadzieścia trzy CHF 45/100")
        self.assertEqual(words("123.45", "pln"), "sto dwadzieścia trzy złote 45/100")

    def test_negative(self):
        self.assertEqual(words("-123.45"), "minus sto dwadzieścia trzy złote 45/100")
        # -0.004 rounds to zero: no "minus"
        self.assertEqual(words("-0.004"), "zero złotych 00/100")

    def test_language_codes(self):
        for lang in ("pl", "pl_PL", "pl-PL", "PL"):
            with self.subTest(lang=lang):
                self.assertEqual(
                    words("123.45", lang=lang), "sto dwadzieścia trzy złote 45/100"
                )


class TestEnglish(unittest.TestCase):
    def test_issue_example(self):
        self.assertEqual(
            words("123.45", lang="en"), "one hundred and twenty-three zlotys 45/100"
        )

    def test_singular_only_for_one(self):
        self.assertEqual(words("1", lang="en"), "one zloty 00/100")
        self.assertEqual(words("0.99", lang="en"), "zero zlotys 99/100")
        self.assertEqual(words("21", lang="en"), "twenty-one zlotys 00/100")
        self.assertEqual(words("1000000", lang="en"), "one million zlotys 00/100")

    def test_other_currencies(self):
        self.assertEqual(words("1", "EUR", "en"), "one euro 00/100")
        self.assertEqual(words("2", "EUR", "en"), "two euros 00/100")
        self.assertEqual(words("1", "USD", "en"), "one dollar 00/100")
        self.assertEqual(words("21.50", "USD", "en"), "twenty-one dollars 50/100")
        self.assertEqual(words("5", "CHF", "en"), "five CHF 00/100")

    def test_negative(self):
        self.assertEqual(words("-1", lang="en"), "minus one zloty 00/100")

    def test_language_codes(self):
        # en_US and anything that is not Polish (or no language at all) is English
        for lang in ("en", "en_US", "de_DE", "", None):
            with self.subTest(lang=lang):
                self.assertEqual(words("2", lang=lang), "two zlotys 00/100")


class TestInput(unittest.TestCase):
    def test_int_and_float_amounts(self):
        # an ORM float goes through its repr: 123.45 stays 123.45
        self.assertEqual(
            amount_in_words(123.45, "PLN", "pl"), "sto dwadzieścia trzy złote 45/100"
        )
        self.assertEqual(amount_in_words(2, "PLN", "pl"), "dwa złote 00/100")

    def test_no_currency_code(self):
        self.assertEqual(amount_in_words(Decimal("2"), "", "pl"), "dwa 00/100")
