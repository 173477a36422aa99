from odoo import models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class DebtCollectionDemo(models.AbstractModel):
    _inherit = "debt.collection.demo"

    def _demo_walk(self, story):
        """The walk replays past days at whatever hour the demo is built: the
        SMS go out in the walk as they would have in the day's sending hours,
        then the company's window is back."""
        company = story["company"]
        window = {
            "debt_collection_sms_hour_from": company.debt_collection_sms_hour_from,
            "debt_collection_sms_hour_to": company.debt_collection_sms_hour_to,
        }
        company.write(
            {"debt_collection_sms_hour_from": 0, "debt_collection_sms_hour_to": 24}
        )
        try:
            return super()._demo_walk(story)
        finally:
            company.write(window)

    def _demo_extra_steps(self):
        """An SMS reminder three days after the due date and an SMS about the
        payment demand, through the test gateway."""
        self.env.company.write(
            {
                "debt_collection_sms_gateway": "test",
                "debt_collection_sms_max_per_partner": 4,
                "debt_collection_sms_period_days": 30,
            }
        )
        Step = self.env["debt.collection.step"]
        return [
            *super()._demo_extra_steps(),
            (
                _lt("SMS reminder"),
                {
                    "days": 3,
                    "action": "sms",
                    "pay_by_days": 5,
                    "sms_template_id": Step._default_sms_template(3).id,
                },
            ),
            (
                _lt("SMS about the payment demand"),
                {
                    "days": 32,
                    "action": "sms",
                    "sms_announce": "demand",
                    "sms_template_id": Step._default_sms_template(32, "demand").id,
                },
            ),
        ]
