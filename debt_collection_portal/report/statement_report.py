from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class ReportStatement(models.AbstractModel):
    """The statements as sent (``debt.collection.statement``)."""

    _name = "report.debt_collection_portal.report_statement"
    _description = "Customer Statement (sent)"

    @api.model
    def _get_report_values(self, docids, data=None):
        statements = self.env["debt.collection.statement"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "debt.collection.statement",
            "docs": statements,
            "letters": [
                {
                    "partner": statement.partner_id,
                    "company": statement.company_id,
                    "date": statement.date,
                    "number": statement.name,
                    "include_interest": statement.include_interest,
                    "user": statement.user_id,
                    "portal_url": statement.debt_collection_portal_url,
                    "sections": statement._get_sections(),
                }
                for statement in statements
            ],
        }


class ReportCustomerStatement(models.AbstractModel):
    """The statement of customers now (print from the customers, download in
    the portal): ``data`` may give ``company_id`` and ``include_interest``."""

    _name = "report.debt_collection_portal.report_customer_statement"
    _description = "Customer Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        company = self.env["res.company"].browse(data.get("company_id")).exists()
        if not company:
            company = self.env.company
        elif not self.env.su and company not in self.env.companies:
            raise AccessError(
                _("You cannot print statements of %(company)s.", company=company.name)
            )
        include_interest = data.get(
            "include_interest", company.debt_collection_statement_interest
        )
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        Account = self.env["debt.collection.customer.account"]
        today = company._debt_collection_today()
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "letters": [
                {
                    "partner": partner,
                    "company": company,
                    "date": today,
                    "number": False,
                    "include_interest": include_interest,
                    "user": self.env["debt.collection.engine"]
                    .with_company(company)
                    ._get_responsible(partner),
                    "portal_url": False,
                    "sections": Account._get_sections(
                        partner, company, include_interest=include_interest
                    ),
                }
                for partner in partners
            ],
            "today": fields.Date.context_today(self),
        }
