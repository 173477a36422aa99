"""Unit tests of the pure SMS tools: segment counting, the SMS window and the
reading of SMSAPI.pl answers. No database: plain ``unittest.TestCase``."""

import unittest
from datetime import date, datetime

from ..tools import quiet_hours, smsapi
from ..tools.segments import GSM7, UCS2, count_segments, is_gsm7


class TestSegments(unittest.TestCase):
    def test_empty_text_is_no_sms(self):
        self.assertEqual(count_segments(""), (GSM7, 0, 0, 160))
        self.assertEqual(count_segments(None).segments, 0)

    def test_gsm7_single_sms_up_to_160_characters(self):
        self.assertEqual(count_segments("a" * 160), (GSM7, 160, 1, 0))
        self.assertEqual(count_segments("Zaplac do 30.11.2026"), (GSM7, 20, 1, 140))

    def test_gsm7_concatenated_sms_hold_153_characters(self):
        self.assertEqual(count_segments("a" * 161), (GSM7, 161, 2, 145))
        self.assertEqual(count_segments("a" * 306), (GSM7, 306, 2, 0))
        self.assertEqual(count_segments("a" * 307), (GSM7, 307, 3, 152))

    def test_extension_characters_take_two_septets(self):
        # € [ ] { } ~ ^ | \ cost two septets each: 158 + 2 fills one SMS.
        self.assertEqual(count_segments("a" * 158 + "€"), (GSM7, 160, 1, 0))
        self.assertEqual(count_segments("a" * 159 + "€"), (GSM7, 161, 2, 145))
        self.assertEqual(count_segments("[]{}~^|\\"), (GSM7, 16, 1, 144))

    def test_extension_character_is_not_split_between_segments(self):
        # 152 septets, then "€" (2) does not fit the 153 of the first segment:
        # it starts the second one, leaving one septet unused.
        count = count_segments("a" * 152 + "€" + "a" * 10)
        self.assertEqual((count.length, count.segments, count.remaining), (164, 2, 141))

    def test_polish_letters_make_the_text_unicode(self):
        self.assertFalse(is_gsm7("Zapłać"))
        self.assertEqual(count_segments("Zapłać"), (UCS2, 6, 1, 64))
        self.assertEqual(count_segments("ą" * 70), (UCS2, 70, 1, 0))
        self.assertEqual(count_segments("ą" * 71), (UCS2, 71, 2, 63))
        self.assertEqual(count_segments("ą" * 135), (UCS2, 135, 3, 66))

    def test_gsm_letters_with_accents_stay_gsm7(self):
        # é, ü, ñ… are in the GSM alphabet; "ł" and "ú" are not.
        self.assertTrue(is_gsm7("Café Müller Niño @ £5"))
        self.assertFalse(is_gsm7("Łódź"))
        self.assertFalse(is_gsm7("Ñandú"))

    def test_emoji_take_two_units_and_are_not_split(self):
        self.assertEqual(count_segments("😀"), (UCS2, 2, 1, 68))
        self.assertEqual(count_segments("ą" * 68 + "😀"), (UCS2, 70, 1, 0))
        # 71 units: split; after 66 units the emoji (2) does not fit the 67
        # of the first segment and starts the second one.
        count = count_segments("ą" * 66 + "😀" + "ą" * 3)
        self.assertEqual((count.length, count.segments, count.remaining), (71, 2, 62))


class TestQuietHours(unittest.TestCase):
    def test_window_includes_start_excludes_end(self):
        day = date(2026, 3, 9)
        self.assertFalse(quiet_hours.is_in_window(datetime(2026, 3, 9, 7, 59), 8, 20))
        self.assertTrue(quiet_hours.is_in_window(datetime(2026, 3, 9, 8, 0), 8, 20))
        self.assertTrue(quiet_hours.is_in_window(datetime(2026, 3, 9, 19, 59), 8, 20))
        self.assertFalse(quiet_hours.is_in_window(datetime(2026, 3, 9, 20, 0), 8, 20))
        self.assertTrue(quiet_hours.is_in_window(datetime(2026, 3, 9, 23, 30), 0, 24))
        self.assertEqual(day.isoweekday(), 1)

    def test_next_window_day(self):
        self.assertEqual(
            quiet_hours.next_window_day(datetime(2026, 3, 9, 6, 0), 8, 20),
            date(2026, 3, 9),
        )
        self.assertEqual(
            quiet_hours.next_window_day(datetime(2026, 3, 9, 12, 0), 8, 20),
            date(2026, 3, 9),
        )
        self.assertEqual(
            quiet_hours.next_window_day(datetime(2026, 3, 9, 21, 0), 8, 20),
            date(2026, 3, 10),
        )


class TestSmsapiAnswers(unittest.TestCase):
    def test_success_gives_message_id_and_status(self):
        outcome = smsapi.classify_response(
            200,
            {
                "count": 1,
                "list": [{"id": "6936B1E6CEB8C", "points": 0.16, "status": "QUEUE"}],
            },
        )
        self.assertEqual(
            (outcome.kind, outcome.message_id, outcome.status),
            (smsapi.SENT, "6936B1E6CEB8C", "QUEUE"),
        )

    def test_error_codes(self):
        """SMSAPI's published error list: what gives up, what the managers
        fix (account settings are not retried as outages) and what waits."""
        cases = {
            13: smsapi.INVALID_NUMBER,
            57: smsapi.BLACKLISTED,  # the number is on the account's blacklist
            11: smsapi.REFUSED,  # too long, empty or not encodable
            33: smsapi.REFUSED,  # cannot be sent to this number
            53: smsapi.DUPLICATE,
            12: smsapi.ACCOUNT,  # more parts than the account allows
            32: smsapi.ACCOUNT,  # foreign or Eco messages not enabled
            101: smsapi.ACCOUNT,
            102: smsapi.ACCOUNT,
            103: smsapi.ACCOUNT,
            14: smsapi.ACCOUNT,
            201: smsapi.RETRY,
            203: smsapi.RETRY,
            999: smsapi.RETRY,
            77: smsapi.REJECTED,  # not on the list
        }
        for code, kind in cases.items():
            outcome = smsapi.classify_response(200, {"error": code, "message": "x"})
            self.assertEqual((outcome.kind, outcome.code), (kind, code), code)

    def test_http_errors_without_json(self):
        self.assertEqual(smsapi.classify_response(503, None).kind, smsapi.RETRY)
        self.assertEqual(smsapi.classify_response(401, None).kind, smsapi.ACCOUNT)
        self.assertEqual(smsapi.classify_response(200, {}).kind, smsapi.REJECTED)

    def test_form_fields(self):
        form = smsapi.prepare_form(
            "+48601234567", "Tekst", sender="Firma", idx="dc-1", test=True
        )
        self.assertEqual(
            form,
            {
                "to": "48601234567",
                "message": "Tekst",
                "format": "json",
                "encoding": "utf-8",
                "from": "Firma",
                "idx": "dc-1",
                "check_idx": "1",
                "test": "1",
            },
        )
        self.assertNotIn("test", smsapi.prepare_form("+48601234567", "Tekst"))
