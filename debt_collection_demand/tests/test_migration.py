"""The update that moved payment demands out of ``debt_collection``
(``debt_collection/migrations/18.0.1.3.0/pre-migrate.py``): e-mail and letter
templates stored with calls of the moved QWeb templates by their old XML id
(users reword them, so the update does not reload them) call the new ones,
and the demands' e-mails and letters are written again."""

import importlib.util

from freezegun import freeze_time
from psycopg2.extras import Json

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, file_path

from odoo.addons.base.models.ir_qweb import QWebException

from .test_demands import DemandCase, _text


def _pre_migrate_18_0_1_3_0():
    """The migration script as a module (its folder name has dots)."""
    path = file_path("debt_collection/migrations/18.0.1.3.0/pre-migrate.py")
    spec = importlib.util.spec_from_file_location(
        "debt_collection_pre_migrate_18_0_1_3_0", path
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Names like those of moved templates, but not theirs: a longer name, a
# module whose name ends like the old one, a template that stayed.
NOT_MOVED = (
    "<p>debt_collection.letter_payment_extra debt_collection.demand_documents2"
    " my_debt_collection.letter_payment debt_collection.notice_payment_details</p>"
)


@tagged("post_install", "-at_install")
class TestMovedTemplateCalls(DemandCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_polish()

    def _stored_body(self, record):
        """The translations of ``record.body_html`` as stored."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT body_html FROM %s WHERE id = %s",
                SQL.identifier(record._table),
                record.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def _store_body(self, record, translations):
        """Store ``record.body_html`` as the update finds it (SQL: no
        sanitizing, no check of the calls)."""
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET body_html = %s WHERE id = %s",
                SQL.identifier(record._table),
                Json(translations),
                record.id,
            )
        )
        record.invalidate_recordset(["body_html"])

    def test_calls_of_moved_templates_renamed_in_stored_bodies(self):
        mail_template = self.env.ref(
            "debt_collection_demand.mail_template_demand_document"
        )
        letter = self.env.ref("debt_collection_demand.letter_template_demand")
        self.customer.lang = "pl_PL"
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        demand = self._approved(k1)
        expected = {}
        for record, called in (
            (mail_template, ["demand_documents"]),
            (letter, ["letter_documents", "letter_payment"]),
        ):
            body = self._stored_body(record)
            self.assertEqual(set(body), {"en_US", "pl_PL"})
            # Before the update: the old module in the calls, and names that
            # are not calls of moved templates.
            for lang, text in body.items():
                end = text.rindex("</div>")
                body[lang] = text[:end] + NOT_MOVED + text[end:]
            expected[record] = dict(body)
            old = {
                lang: text.replace(
                    't-call="debt_collection_demand.', 't-call="debt_collection.'
                )
                for lang, text in body.items()
            }
            for lang in old:
                for name in called:
                    self.assertIn(f't-call="debt_collection.{name}"', old[lang])
            self._store_body(record, old)

        # Before the update the calls fail: the templates left the old module.
        with self.assertRaisesRegex(
            QWebException,
            r"External ID not found in the system: debt_collection\.letter_",
        ):
            self._html(demand)
        with self.assertRaisesRegex(
            UserError, r"External ID not found in the system: debt_collection\.demand_"
        ):
            mail_template._render_field("body_html", demand.ids)

        _pre_migrate_18_0_1_3_0()._rename_template_calls(self.env.cr)
        self.env.invalidate_all()  # (the update runs before anything is read)

        for record, body in expected.items():
            # Only the calls changed, in every language.
            self.assertEqual(self._stored_body(record), body)

        # The demand's e-mail (to a Polish customer, in Polish) and letter
        # are written with the moved templates.
        with freeze_time("2026-04-14 09:00:00"):
            demand.with_user(self.manager).action_send_email()
        mail = self._demand_mails(demand)
        self.assertEqual(len(mail), 1)
        text = _text(mail.body_html)
        for expected_text in ("Szanowni Państwo,", "Dokument", k1.name):
            self.assertIn(expected_text, text)
        self.assertIn(k1.name, _text(mail.attachment_ids.raw))  # the letter
        text = _text(
            mail_template._render_field("body_html", demand.ids, set_lang="en_US")[
                demand.id
            ]
        )
        for expected_text in ("Dear Sir or Madam,", "Document", k1.name):
            self.assertIn(expected_text, text)
        text = self._html(demand)
        for expected_text in ("Szanowni Państwo,", k1.name, "Razem do zapłaty"):
            self.assertIn(expected_text, text)
        self.customer.lang = "en_US"
        text = self._html(demand)
        for expected_text in ("Dear Sir or Madam,", k1.name, "Total to pay"):
            self.assertIn(expected_text, text)
