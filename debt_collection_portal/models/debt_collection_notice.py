from odoo import api, models


class DebtCollectionNotice(models.Model):
    _name = "debt.collection.notice"
    _inherit = ["debt.collection.notice", "debt.collection.portal.link.mixin"]

    @api.model_create_multi
    def create(self, vals_list):
        # Messages are created right before they are sent (e-mail or SMS):
        # their links are made for the whole batch at once.
        notices = super().create(vals_list)
        notices._debt_collection_portal_ensure_links()
        return notices


class DebtCollectionDemand(models.Model):
    _name = "debt.collection.demand"
    _inherit = ["debt.collection.demand", "debt.collection.portal.link.mixin"]

    def _send_email(self, template=None, actions=None):
        self._debt_collection_portal_ensure_links()
        return super()._send_email(template=template, actions=actions)

    def action_print_batch(self):
        self._debt_collection_portal_ensure_links()
        return super().action_print_batch()
