"""Texts the engine and the users' actions write are shown in the reader's
language: event notes, the names of the steps and policies the setup wizard
makes, the public holidays of the settings."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import DebtCollectionCase, requires_addon


@tagged("post_install", "-at_install")
class TestReadersLanguage(DebtCollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_polish()

    def _notes(self, events, lang):
        return [str(n) for n in events.with_context(lang=lang).mapped("note_display")]

    @requires_addon("debt_collection_demand")
    def test_event_notes_in_the_readers_language(self):
        """An English-speaking collector puts an invoice on hold and prepares
        a demand; a Polish reader reads the history in Polish, an English one
        in English; the stored note stays in the writer's language."""
        invoice = self._invoice(self.customer, "2026-03-02", 500.00)
        collector = self.collector.with_context(lang="en_US")
        with freeze_time("2026-03-10"):
            invoice.with_user(collector).write(
                {
                    "debt_collection_hold_until": "2026-03-20",
                    "debt_collection_hold_reason": "promise",
                }
            )
        items = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.env["debt.collection.demand"].with_user(collector)._create_for_items(
            self.company, "demand", items, date=date(2026, 4, 13)
        )
        events = self.env["debt.collection.event"].search(
            [("move_id", "=", invoice.id), ("event_type", "in", ("hold", "demand"))],
            order="id",
        )
        self.assertEqual(
            self._notes(events, "pl_PL"),
            [
                "Windykacja wstrzymana do 20.03.2026. Obietnica zapłaty",
                "Wezwanie do zapłaty Projekt: Przygotowano.",
            ],
        )
        self.assertEqual(
            self._notes(events, "en_US"),
            [
                "On hold until 03/20/2026. Promise to pay",
                "Payment demand Draft: Prepared.",
            ],
        )
        self.assertEqual(
            str(events[0].note), "<p>On hold until 03/20/2026. Promise to pay</p>"
        )
        # A note typed by a person is shown as typed.
        self.env["debt.collection.note.wizard"].create(
            {"partner_id": self.customer.id, "note": "<p>Zadzwonić w piątek</p>"}
        ).action_add_note()
        typed = self.env["debt.collection.event"].search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", "note")]
        )
        self.assertEqual(self._notes(typed, "en_US"), ["<p>Zadzwonić w piątek</p>"])

    def test_setup_wizard_names_steps_in_every_language(self):
        self.company.debt_collection_policy_id = False
        self.env["debt.collection.setup.wizard"].with_context(lang="en_US").create(
            {"state": "calendar"}
        ).action_finish()
        policy = self.company.debt_collection_policy_id
        self.assertEqual(policy.with_context(lang="en_US").name, "Standard collection")
        self.assertEqual(
            policy.with_context(lang="pl_PL").name, "Windykacja standardowa"
        )
        steps = policy.step_ids.sorted("sequence")
        self.assertEqual(
            steps.with_context(lang="pl_PL").mapped("name")[:2],
            [
                "Przypomnienie przed terminem płatności",
                "Przypomnienie po terminie płatności",
            ],
        )
        self.assertEqual(
            steps.with_context(lang="en_US").mapped("name")[:2],
            ["Pre-due reminder", "Overdue reminder"],
        )

    def test_public_holidays_listed_in_the_settings(self):
        self.company.country_id = self.env.ref("base.pl")
        with freeze_time("2026-06-01"):
            settings = (
                self.env["res.config.settings"].with_context(lang="pl_PL").create({})
            )
            text = settings.debt_collection_public_holiday_text
        self.assertEqual(settings.debt_collection_public_holidays, "pl")
        self.assertIn("06.04.2026 Poniedziałek Wielkanocny", text)
        self.assertIn("24.12.2026 Wigilia Bożego Narodzenia", text)
        self.assertEqual(len(text.splitlines()), 14)

    @requires_addon("debt_collection_demand")
    def test_history_written_before_the_split_still_reads_in_polish(self):
        """Events written before 18.0.1.3.0 name debt_collection for terms
        that moved to the demand addon: still shown in Polish."""
        event = self.env["debt.collection.event"]._log(
            [
                {
                    "company_id": self.company.id,
                    "partner_id": self.customer.id,
                    "event_type": "note",
                    "note_message": {
                        "message": {
                            "term": ["debt_collection", "Prepared."],
                            "args": {},
                        }
                    },
                }
            ]
        )
        self.assertEqual(self._notes(event, "pl_PL"), ["Przygotowano."])
        self.assertEqual(self._notes(event, "en_US"), ["Prepared."])

    def test_activity_note_in_the_collectors_language(self):
        """The call's note is written in the language of the collector who
        gets it, whatever the language of the run: Polish dates and amounts,
        the open credit note subtracted and the net amount due."""
        invoice = self._invoice(self.customer, "2026-03-02", 1230.00)
        credit = self._credit_note(self.customer, 230.00, "2026-03-05")
        self.collector.lang = "pl_PL"
        self.env = self.env(context=dict(self.env.context, lang="en_US"))  # the run's
        self._run(date(2026, 4, 21))  # 50 days overdue: the call
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(
            " ".join(html2plaintext(activity.note).split()),
            f"Dokumenty: {invoice.name}: 1230,00 zł, termin płatności 02.03.2026"
            " (50 dni po terminie)"
            f" Minus: faktura korygująca {credit.name}: -\ufeff230,00 zł"
            " Do zapłaty po odliczeniu PLN: 1000,00 zł",
        )
