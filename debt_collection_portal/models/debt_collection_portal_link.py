"""Signed links to the customer's "My payments" page.

Every message that asks a customer to pay (reminder, demand, SMS, statement,
balance confirmation) carries its own link: a random token that opens the
page of that customer in that company without a login, until the link
expires or is revoked. A leaked link shows one customer's account in one
company, never more.
"""

import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Why a token is refused (the portal says it in the customer's words).
INVALID, EXPIRED, REVOKED = "invalid", "expired", "revoked"


class DebtCollectionPortalLink(models.Model):
    _name = "debt.collection.portal.link"
    _description = "Customer Portal Link"
    _order = "create_date desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        groups="debt_collection.group_debt_collection_manager",
    )
    expiration_date = fields.Date("Valid Until", required=True)
    revoked = fields.Boolean(readonly=True, copy=False)
    revoked_date = fields.Datetime(readonly=True, copy=False)
    revoked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    res_model = fields.Char("Sent With (Model)", readonly=True)
    res_id = fields.Many2oneReference(
        "Sent With (ID)", model_field="res_model", readonly=True
    )
    source = fields.Char("Sent With", readonly=True)
    last_used = fields.Datetime(readonly=True, copy=False)
    use_count = fields.Integer("Opened", readonly=True, copy=False)
    state = fields.Selection(
        [("valid", "Valid"), ("expired", "Expired"), ("revoked", "Revoked")],
        compute="_compute_state",
    )

    _sql_constraints = [
        ("token_uniq", "unique(token)", "A portal link token must be unique."),
    ]

    @api.depends("revoked", "expiration_date")
    def _compute_state(self):
        for link in self:
            if link.revoked:
                link.state = "revoked"
            elif link.expiration_date < link.company_id._debt_collection_today():
                link.state = "expired"
            else:
                link.state = "valid"

    # Creating -----------------------------------------------------------

    @api.model
    def _create_for(self, records):
        """One new link per record (one customer and company each, with
        ``partner_id`` and ``company_id``), in one insert."""
        vals_list = []
        for record in records:
            company = record.company_id
            vals_list.append(
                {
                    "company_id": company.id,
                    "partner_id": record.partner_id.commercial_partner_id.id,
                    "token": secrets.token_urlsafe(16),
                    "expiration_date": company._debt_collection_today()
                    + timedelta(days=company.debt_collection_portal_link_days),
                    "res_model": record._name,
                    "res_id": record.id,
                    "source": record.display_name,
                }
            )
        # sudo: links are created by whoever sends a message; their tokens
        # are readable by managers only.
        return self.sudo().create(vals_list)

    # Checking -----------------------------------------------------------

    @api.model
    def _check_token(self, token):
        """(link, None) for a token that opens the page, else (an empty
        recordset or the refused link, the reason: invalid, expired,
        revoked)."""
        Link = self.sudo()  # sudo: the visitor is not logged in
        if not isinstance(token, str) or len(token) < 16 or len(token) > 64:
            return Link, INVALID
        link = Link.search([("token", "=", token)], limit=1)
        if not link or not consteq(link.token, token):
            return Link, INVALID
        if link.revoked:
            return link, REVOKED
        if link.expiration_date < link.company_id._debt_collection_today():
            return link, EXPIRED
        return link, None

    def _mark_used(self):
        # sudo: the visitor is not logged in; the history of the link.
        self.sudo().write(
            {"last_used": fields.Datetime.now(), "use_count": self.use_count + 1}
        )

    def _get_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/dc/{self.sudo().token}"

    # Revoking -----------------------------------------------------------

    def action_revoke(self):
        if not self.env.user.has_group("debt_collection.group_debt_collection_user"):
            raise UserError(_("Only debt collection users may revoke portal links."))
        links = self.filtered(lambda link: not link.revoked)
        if not links:
            return
        links.sudo().write(  # sudo: the token's record is readable by managers only
            {
                "revoked": True,
                "revoked_date": fields.Datetime.now(),
                "revoked_by_id": self.env.uid,
            }
        )
        Event = self.env["debt.collection.event"]
        Event._log(
            [
                Event._prepare_log_vals(
                    company,
                    partner,
                    "note",
                    _lt("Portal links revoked (%(count)s).", count=count),
                    channel="portal",
                )
                for (company, partner), count in _count_by(links).items()
            ]
        )


class DebtCollectionPortalLinkMixin(models.AbstractModel):
    """Records that carry a portal link to their customer (``partner_id``,
    ``company_id``): the link is created once, before sending, for a whole
    batch, and read by the templates through ``debt_collection_portal_url``."""

    _name = "debt.collection.portal.link.mixin"
    _description = "Carries a Customer Portal Link"

    debt_collection_portal_url = fields.Char(
        "Portal Link", compute="_compute_debt_collection_portal_url"
    )

    def _compute_debt_collection_portal_url(self):
        links = self._debt_collection_portal_links()
        for record in self:
            link = links.get(record.id)
            record.debt_collection_portal_url = link._get_url() if link else False

    def _debt_collection_portal_links(self):
        """{record id: its newest valid link}."""
        records = self.filtered("id")
        if not records:
            return {}
        # sudo: links are system records; the caller may see the record.
        links = (
            self.env["debt.collection.portal.link"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", records.ids),
                    ("revoked", "=", False),
                ],
                order="expiration_date desc, id desc",
            )
        )
        result = {}
        for link in links:
            if link.expiration_date >= link.company_id._debt_collection_today():
                result.setdefault(link.res_id, link)
        return result

    def _debt_collection_portal_ensure_links(self):
        """Give a valid link to those that have none (companies that send
        links only), in one insert."""
        records = self.filtered(lambda r: r.company_id.debt_collection_portal_links)
        have = records._debt_collection_portal_links()
        missing = records.filtered(lambda r: r.id not in have)
        if missing:
            self.env["debt.collection.portal.link"]._create_for(missing)
            self.invalidate_recordset(["debt_collection_portal_url"])


def _count_by(links):
    counts = {}
    for link in links:
        key = (link.company_id, link.partner_id)
        counts[key] = counts.get(key, 0) + 1
    return counts
