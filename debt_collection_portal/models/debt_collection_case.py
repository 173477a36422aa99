from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import formatLang

# What a customer may attach to a dispute.
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024


class DebtCollectionCase(models.Model):
    """The customer's promises and disputes from the portal go through the
    desk's own promise and dispute: the same holds, the same kept or broken
    promises, the same history, plus an activity for the collector."""

    _inherit = "debt.collection.case"

    @api.model
    def _portal_promise(self, partner, company, moves, amount, promise_date, author):
        """The customer promises to pay ``amount`` (in the documents'
        currency) of ``moves`` by ``promise_date``. ``author``: who promised
        (a text for the history)."""
        today = company._debt_collection_today()
        currency = self._portal_check_documents(moves, today)
        if currency.compare_amounts(amount or 0.0, 0.0) <= 0:
            raise UserError(_("The promised amount must be positive."))
        residual = sum(moves.mapped("amount_residual"))
        if currency.compare_amounts(amount, residual) > 0:
            raise UserError(
                _(
                    "The promised amount is more than the documents still owe "
                    "(%(residual)s).",
                    residual=formatLang(self.env, residual, currency_obj=currency),
                )
            )
        if not promise_date or promise_date < today:
            raise UserError(_("The promised payment date cannot be in the past."))
        horizon = today + timedelta(days=company.debt_collection_portal_promise_days)
        if promise_date > horizon:
            raise UserError(
                _(
                    "Please promise a date no later than %(date)s; for a longer "
                    "arrangement, contact us.",
                    date=horizon,
                )
            )
        case = self._portal_case(partner, company)
        if case.promise_state == "open":
            raise UserError(
                _(
                    "You already promised to pay by %(date)s; a new promise can be "
                    "made once that one is kept.",
                    date=case.promise_date,
                )
            )
        # The desk keeps promises in company currency.
        amount_company = company.currency_id.round(
            amount * sum(moves.mapped("amount_residual_signed")) / residual
        )
        case._set_promise(
            amount_company,
            promise_date,
            moves,
            note=case.env._(
                "Promised by %(author)s in the customer portal.", author=author
            ),
        )
        case._portal_activity(
            case.env._("Promise to pay from the portal"),
            case.env._(
                "%(customer)s promised in the portal to pay %(amount)s by %(date)s "
                "(%(documents)s).",
                customer=partner.display_name,
                amount=formatLang(case.env, amount, currency_obj=currency),
                date=promise_date,
                documents=", ".join(moves.mapped("name")),
            ),
            promise_date,
        )
        return case

    @api.model
    def _portal_dispute(self, partner, company, moves, reason, attachments, author):
        """The customer disputes ``moves`` for ``reason``, with
        ``attachments`` [(file name, content)]: held until the collector
        resolves it."""
        today = company._debt_collection_today()
        self._portal_check_documents(moves, today)
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give the reason of the dispute."))
        if len(attachments) > MAX_ATTACHMENTS:
            raise UserError(_("Attach at most %(count)s files.", count=MAX_ATTACHMENTS))
        too_big = [
            name for name, content in attachments if len(content) > MAX_ATTACHMENT_SIZE
        ]
        if too_big:
            raise UserError(
                _(
                    "%(files)s: a file may have at most %(size)s MB.",
                    files=", ".join(too_big),
                    size=MAX_ATTACHMENT_SIZE // (1024 * 1024),
                )
            )
        case = self._portal_case(partner, company)
        case._set_dispute(moves, reason)
        body = Markup("<p>%s</p><p>%s</p>") % (
            case.env._(
                "Dispute from the customer portal (%(author)s): %(documents)s",
                author=author,
                documents=", ".join(moves.mapped("name")),
            ),
            reason,
        )
        case.message_post(
            body=body,
            attachments=[(name, content) for name, content in attachments],
            subtype_xmlid="mail.mt_note",
        )
        case._portal_activity(
            case.env._("Dispute from the portal: resolve it"),
            body,
            today,
        )
        return case

    @api.model
    def _portal_case(self, partner, company):
        """The customer's open case (opened if needed), in sudo (the visitor
        is a portal user or not logged in) and in the language of the
        collector, who reads the history."""
        case = self._open_for(company, partner)
        collector = case.user_id or company.debt_collection_user_id
        lang = collector.lang or company.partner_id.lang or self.env.lang
        return case.with_context(lang=lang, debt_collection_portal=True)

    def _portal_check_documents(self, moves, today):
        """The documents' one currency; refuses documents already on hold."""
        if not moves:
            raise UserError(_("Choose at least one document."))
        currency = moves.currency_id
        if len(currency) != 1:
            raise UserError(_("Choose documents in one currency."))
        held = moves.filtered(
            lambda m: (
                m.debt_collection_hold_until and m.debt_collection_hold_until >= today
            )
        )
        if held:
            raise UserError(
                _(
                    "%(documents)s already wait for a promise, a dispute or a payment.",
                    documents=", ".join(held.mapped("name")),
                )
            )
        return currency

    def _portal_activity(self, summary, note, deadline):
        self.ensure_one()
        user = self.user_id or self.company_id.debt_collection_user_id
        if not user:
            return
        # sudo: the customer's request becomes the collector's activity.
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=deadline,
            summary=summary,
            note=note,
            user_id=user.id,
        )
