from odoo import _, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_debt_collection_statement(self):
        """Send (or print) the customers' statements."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Send Customer Statements"),
            "res_model": "debt.collection.statement.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    def action_debt_collection_balance_confirmation(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Send Balance Confirmations"),
            "res_model": "debt.collection.balance.confirmation.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    def action_debt_collection_portal_links(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection_portal.action_debt_collection_portal_link"
        )
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        return action

    def action_debt_collection_revoke_portal_links(self):
        """Revoke every valid link of these customers (e.g. a link forwarded
        to the wrong person); new messages carry new links."""
        links = self.env["debt.collection.portal.link"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("revoked", "=", False),
            ]
        )
        links.action_revoke()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("%(count)s portal links revoked.", count=len(links)),
            },
        }
