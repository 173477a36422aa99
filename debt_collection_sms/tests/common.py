from datetime import date

from odoo.addons.debt_collection.tests.common import DebtCollectionCase
from odoo.addons.sms.tests.common import MockSMS

MON_2 = date(2026, 3, 2)
WED_4 = date(2026, 3, 4)
THU_5 = date(2026, 3, 5)
FRI_6 = date(2026, 3, 6)
MON_9 = date(2026, 3, 9)


class SmsCollectionCase(DebtCollectionCase, MockSMS):
    """The shared five-step policy plus an SMS reminder on day 3 (pay within 5
    days), a Polish company with a phone number, and a customer with a mobile.

    An invoice due on Monday 2 March gets its SMS on Thursday 5 March.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["iap.account"].get("sms")
        cls.poland = cls.env.ref("base.pl")
        cls.company.write(
            {
                "country_id": cls.poland.id,
                "phone": "+48 22 123 45 67",
                "debt_collection_sms_hour_from": 8,
                "debt_collection_sms_hour_to": 20,
                "debt_collection_sms_max_per_partner": 0,
            }
        )
        cls.step_sms = cls.env["debt.collection.step"].create(
            {
                "policy_id": cls.policy.id,
                "name": "SMS reminder",
                "sequence": 15,
                "days": 3,
                "action": "sms",
                "pay_by_days": 5,
                "sms_template_id": cls.env.ref(
                    "debt_collection_sms.sms_template_overdue"
                ).id,
            }
        )
        cls.customer.write({"mobile": "601 234 567", "country_id": cls.poland.id})

    @classmethod
    def _sms_customer(cls, name, mobile=False, lang="en_US", country=None, **values):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"{name.split()[0].lower()}@example.com",
                "mobile": mobile,
                "lang": lang,
                "country_id": (country or cls.poland).id,
                **values,
            }
        )

    @classmethod
    def _invoice_contact(cls, partner, name, mobile):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "type": "invoice",
                "parent_id": partner.id,
                "mobile": mobile,
                "email": f"{name.split()[0].lower()}@example.com",
            }
        )

    def _sms_events(self, partner=None, **domain):
        if partner:
            domain["partner_id"] = partner.id
        return self._events(step_id=self.step_sms.id, **domain)

    def _sent_numbers(self):
        """Numbers the IAP gateway accepted SMS for (Odoo's SMS mock)."""
        return [sms["number"] for sms in self._sms]

    def _manager_notifications(self):
        return self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.manager.partner_id.ids),
            ]
        )

    def _set_window(self, hour_from, hour_to):
        self.company.write(
            {
                "debt_collection_sms_hour_from": hour_from,
                "debt_collection_sms_hour_to": hour_to,
            }
        )
