"""The customer's "My payments" page.

Who sees what: a signed link (``access_token``, see
``debt.collection.portal.link``) shows one customer in one company, without a
login; a logged-in portal user sees the commercial partner of their contact
in the companies they belong to. Everything below reads and writes in sudo,
always narrowed to that customer and those companies first.
"""

import math
from collections import namedtuple
from datetime import timedelta
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import _, fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import PortalAccount

Scope = namedtuple("Scope", "partner companies link token")

# Messages after an action (the page only shows known ones).
DONE_CODES = ("promise", "dispute", "payment", "confirmed", "disputed")


class DebtCollectionPortal(PortalAccount):
    # Who and where -----------------------------------------------------------

    def _dc_scope(self, access_token=None):
        """(Scope, None), or (None, the response: login or refusal)."""
        if access_token:
            link, error = request.env["debt.collection.portal.link"]._check_token(
                access_token
            )
            if error:
                return None, self._dc_refused(error, link)
            partner = link.partner_id.sudo()
            if partner.lang and request.env["res.lang"]._get_code(partner.lang):
                # The customer's language, whatever the browser says.
                request.update_context(lang=partner.lang)
            return Scope(partner, link.company_id.sudo(), link, access_token), None
        user = request.env.user
        if user._is_public():
            return None, request.redirect(
                "/web/login?" + urlencode({"redirect": request.httprequest.full_path})
            )
        return (
            Scope(
                user.partner_id.commercial_partner_id.sudo(),
                user.company_ids.sudo(),
                request.env["debt.collection.portal.link"],
                None,
            ),
            None,
        )

    def _dc_refused(self, reason, link):
        return request.render(
            "debt_collection_portal.portal_link_refused",
            {"reason": reason, "company": link.company_id.sudo() if link else False},
            status=403,
        )

    def _dc_url(self, scope, path, **params):
        if scope.token:
            params["access_token"] = scope.token
        params = {
            key: value for key, value in params.items() if value not in (None, False)
        }
        return f"{path}?{urlencode(params, doseq=True)}" if params else path

    def _dc_company(self, scope, company_id):
        company = scope.companies.filtered(lambda c: str(c.id) == str(company_id))
        if not company:
            raise NotFound()
        return company

    def _dc_author(self, scope):
        """Who acts, for the history."""
        user = request.env.user
        if not user._is_public():
            return user.partner_id.name
        return _(
            "%(customer)s (link sent with %(message)s)",
            customer=scope.partner.name,
            message=scope.link.source or "",
        )

    def _dc_sections(self, scope, companies=None, include_interest=None):
        Account = request.env["debt.collection.customer.account"].sudo()
        companies = companies or scope.companies
        if include_interest is None:
            include_interest = any(
                companies.mapped("debt_collection_statement_interest")
            )
        return Account._get_sections(scope.partner, companies, include_interest)

    def _dc_documents(self, scope, company, move_ids, payable=False):
        """The open documents ``move_ids`` (ids as text) of the customer in
        ``company``, and the section (currency) they are in. Anything else
        in the ids is someone else's: not found."""
        try:
            ids = {int(move_id) for move_id in move_ids}
        except ValueError as error:
            raise NotFound() from error
        if not ids:
            raise UserError(_("Choose at least one document."))
        items = {}
        for section in self._dc_sections(scope, company, include_interest=False):
            for item in section.items:
                if item.move.debt_collection_partner_id == scope.partner and (
                    item.payable or not payable
                ):
                    items.setdefault(item.move.id, (item, section))
        if not ids <= set(items):
            raise NotFound()
        sections = {items[move_id][1].currency for move_id in ids}
        if len(sections) > 1:
            raise UserError(_("Choose documents in one currency."))
        moves = request.env["account.move"].sudo().browse(sorted(ids))
        return moves, [items[move_id][0] for move_id in sorted(ids)], items[min(ids)][1]

    def _dc_selected_ids(self):
        args = request.httprequest.values
        return args.getlist("move_ids")

    # The page ------------------------------------------------------------------

    @http.route("/dc/<string:token>", type="http", auth="public", sitemap=False)
    def debt_collection_short_link(self, token, **kw):
        """The short link of messages and SMS."""
        return request.redirect(f"/my/payments?{urlencode({'access_token': token})}")

    @http.route("/my/payments", type="http", auth="public", website=True, sitemap=False)
    def debt_collection_payments(self, access_token=None, done=None, error=None, **kw):
        scope, response = self._dc_scope(access_token)
        if response:
            return response
        if scope.link:
            scope.link._mark_used()
        return request.render(
            "debt_collection_portal.portal_my_payments",
            self._dc_page_values(scope, done=done, error=error),
        )

    def _dc_page_values(self, scope, done=None, error=None):
        Demand = request.env["debt.collection.demand"].sudo()
        Note = request.env["debt.collection.interest.note"].sudo()
        Confirmation = request.env["debt.collection.balance.confirmation"].sudo()
        base = [
            ("partner_id", "=", scope.partner.id),
            ("company_id", "in", scope.companies.ids),
        ]
        sections = self._dc_sections(scope)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "debt_collection_payments",
                "no_breadcrumbs": bool(scope.token),
                "scope": scope,
                "partner": scope.partner,
                "sections": sections,
                "section_companies": list(dict.fromkeys(s.company for s in sections)),
                "demands": Demand.search(
                    base + [("sent_date", "!=", False), ("state", "!=", "cancelled")]
                ),
                "interest_notes": Note.search(
                    base
                    + [("move_id", "!=", False), ("state", "in", ("posted", "paid"))]
                ),
                "confirmations": Confirmation.search(
                    base
                    + [("state", "in", ("sent", "no_answer", "confirmed", "disputed"))],
                    limit=5,
                ),
                "dc_url": lambda path, **params: self._dc_url(scope, path, **params),
                "done": done if done in DONE_CODES else False,
                "error": error if error in ("select",) else False,
                "online_payment": request.env["ir.config_parameter"]
                .sudo()
                .get_param("account_payment.enable_portal_payment"),
            }
        )
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "debt_collection_open_count" in counters:
            user = request.env.user
            sections = (
                request.env["debt.collection.customer.account"]
                .sudo()
                ._get_sections(
                    user.partner_id.commercial_partner_id, user.company_ids.sudo()
                )
            )
            values["debt_collection_open_count"] = sum(len(s.items) for s in sections)
        return values

    # Promise to pay ------------------------------------------------------------

    @http.route(
        "/my/payments/promise",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def debt_collection_promise(self, company_id=None, access_token=None, **post):
        scope, response = self._dc_scope(access_token)
        if response:
            return response
        company = self._dc_company(scope, company_id)
        try:
            moves, items, section = self._dc_documents(
                scope, company, self._dc_selected_ids()
            )
        except UserError:
            return request.redirect(self._dc_url(scope, "/my/payments", error="select"))
        today = company._debt_collection_today()
        values = {
            "amount": post.get("amount")
            or section.currency.round(sum(i.amount_due for i in items)),
            "promise_date": post.get("promise_date")
            or fields.Date.to_string(
                today
                + timedelta(days=min(7, company.debt_collection_portal_promise_days))
            ),
        }
        if request.httprequest.method == "POST":
            try:
                amount = float(str(post.get("amount") or "").replace(",", "."))
                promise_date = fields.Date.to_date(post.get("promise_date") or None)
                if not math.isfinite(amount):
                    raise ValueError(amount)
            except ValueError:
                return self._dc_form(
                    "promise",
                    scope,
                    company,
                    items,
                    section,
                    values,
                    _("Give the amount as a number and the date as a date."),
                )
            try:
                with request.env.cr.savepoint():
                    request.env["debt.collection.case"].sudo()._portal_promise(
                        scope.partner,
                        company,
                        moves,
                        amount,
                        promise_date,
                        self._dc_author(scope),
                    )
            except UserError as error:
                return self._dc_form(
                    "promise", scope, company, items, section, values, error.args[0]
                )
            return request.redirect(self._dc_url(scope, "/my/payments", done="promise"))
        return self._dc_form("promise", scope, company, items, section, values)

    def _dc_form(self, kind, scope, company, items, section, values, error=None):
        page = self._prepare_portal_layout_values()
        page.update(
            values,
            page_name="debt_collection_payments",
            no_breadcrumbs=bool(scope.token),
            scope=scope,
            company=company,
            items=items,
            section=section,
            form_error=error,
            dc_url=lambda path, **params: self._dc_url(scope, path, **params),
        )
        return request.render(f"debt_collection_portal.portal_{kind}_form", page)

    # Dispute -------------------------------------------------------------------

    @http.route(
        "/my/payments/dispute",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def debt_collection_dispute(self, company_id=None, access_token=None, **post):
        scope, response = self._dc_scope(access_token)
        if response:
            return response
        company = self._dc_company(scope, company_id)
        try:
            moves, items, section = self._dc_documents(
                scope, company, self._dc_selected_ids()
            )
        except UserError:
            return request.redirect(self._dc_url(scope, "/my/payments", error="select"))
        values = {"reason": post.get("reason") or ""}
        if request.httprequest.method == "POST":
            attachments = [
                (upload.filename, upload.read())
                for upload in request.httprequest.files.getlist("attachments")
                if upload.filename
            ]
            try:
                with request.env.cr.savepoint():
                    request.env["debt.collection.case"].sudo()._portal_dispute(
                        scope.partner,
                        company,
                        moves,
                        post.get("reason"),
                        attachments,
                        self._dc_author(scope),
                    )
            except UserError as error:
                return self._dc_form(
                    "dispute", scope, company, items, section, values, error.args[0]
                )
            return request.redirect(self._dc_url(scope, "/my/payments", done="dispute"))
        return self._dc_form("dispute", scope, company, items, section, values)

    # Online payment ------------------------------------------------------------

    @http.route(
        "/my/payments/pay", type="http", auth="public", website=True, sitemap=False
    )
    def debt_collection_pay(
        self, company_id=None, access_token=None, overdue=None, **kw
    ):
        scope, response = self._dc_scope(access_token)
        if response:
            return response
        company = self._dc_company(scope, company_id)
        move_ids = self._dc_selected_ids()
        if overdue:
            # Everything overdue that can be paid online, in the currency asked.
            move_ids = [
                str(item.move.id)
                for section in self._dc_sections(scope, company, include_interest=False)
                if str(section.currency.id) == str(kw.get("currency_id"))
                for item in section.overdue_payable
            ]
        try:
            moves, items, section = self._dc_documents(
                scope, company, move_ids, payable=True
            )
        except UserError:
            return request.redirect(self._dc_url(scope, "/my/payments", error="select"))
        total = section.currency.round(sum(item.amount_due for item in items))
        landing = self._dc_url(scope, "/my/payments", done="payment")
        ids = "-".join(str(move_id) for move_id in moves.ids)
        values = self._prepare_portal_layout_values()
        values |= self._get_common_page_view_values(
            invoices_data={
                "partner": scope.partner,
                "company": company,
                "total_amount": total,
                "currency": section.currency,
                "amount_residual": total,
                "landing_route": landing,
                "transaction_route": f"/my/payments/transaction/{company.id}/{ids}",
            },
            access_token=scope.token,
        )
        if request.env.user._is_public():
            # A link holder pays as a guest: the customer's saved payment
            # methods stay with its logged-in users.
            values["tokens_sudo"] = request.env["payment.token"].sudo()
        values.update(
            page_name="debt_collection_payments",
            no_breadcrumbs=bool(scope.token),
            scope=scope,
            company=company,
            items=items,
            section=section,
            amount=total,
            dc_url=lambda path, **params: self._dc_url(scope, path, **params),
        )
        return request.render("debt_collection_portal.portal_pay_page", values)

    @http.route(
        "/my/payments/transaction/<int:company_id>/<string:move_ids>",
        type="json",
        auth="public",
    )
    def debt_collection_transaction(
        self, company_id, move_ids, access_token=None, **kwargs
    ):
        """The transaction of the documents chosen: the amount is what they
        still owe, whatever the browser says."""
        scope, response = self._dc_scope(access_token)
        if response:
            raise ValidationError(_("This link is no longer valid."))
        try:
            company = self._dc_company(scope, company_id)
            moves, items, section = self._dc_documents(
                scope, company, move_ids.split("-"), payable=True
            )
        except NotFound as error:
            raise ValidationError(_("These documents cannot be paid here.")) from error
        kwargs.pop("amount", None)
        kwargs.pop("landing_route", None)
        self._validate_transaction_kwargs(kwargs)
        logged_in = not request.env.user._is_public()
        if not logged_in:
            if kwargs.get("flow") == "token":
                raise ValidationError(_("Sign in to pay with a saved payment method."))
            kwargs["tokenization_requested"] = False
        tx_sudo = self._create_transaction(
            amount=section.currency.round(sum(item.amount_due for item in items)),
            currency_id=section.currency.id,
            partner_id=(request.env.user.partner_id if logged_in else scope.partner).id,
            landing_route=self._dc_url(scope, "/my/payments", done="payment"),
            custom_create_values={"invoice_ids": [Command.set(moves.ids)]},
            **kwargs,
        )
        return tx_sudo._get_processing_values()

    # PDFs ----------------------------------------------------------------------

    @http.route(
        "/my/payments/statement/<int:company_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def debt_collection_statement_pdf(self, company_id, access_token=None, **kw):
        scope, response = self._dc_scope(access_token)
        if response:
            return response
        company = self._dc_company(scope, company_id)
        pdf, _type = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(company)
            ._render_qweb_pdf(
                "debt_collection_portal.action_report_customer_statement",
                scope.partner.ids,
                data={
                    "company_id": company.id,
                    "include_interest": company.debt_collection_statement_interest,
                },
            )
        )
        filename = _("Statement %(date)s.pdf", date=company._debt_collection_today())
        return self._dc_pdf_response(pdf, filename)

    @http.route(
        "/my/payments/document/<string:kind>/<int:record_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def debt_collection_document_pdf(self, kind, record_id, access_token=None, **kw):
        """The PDF of a demand, an interest note or a balance confirmation."""
        scope, response = self._dc_scope(access_token)
        if response:
            return response
        models = {
            "demand": (
                "debt.collection.demand",
                "debt_collection_demand.action_report_demand",
            ),
            "interest_note": (
                "debt.collection.interest.note",
                "debt_collection_interest.action_report_interest_note",
            ),
            "balance_confirmation": (
                "debt.collection.balance.confirmation",
                "debt_collection_portal.action_report_balance_confirmation",
            ),
        }
        if kind not in models:
            raise NotFound()
        model, report = models[kind]
        record = request.env[model].sudo().browse(record_id).exists()
        if (
            not record
            or record.partner_id != scope.partner
            or record.company_id not in scope.companies
            or not self._dc_is_published(record)
        ):
            raise NotFound()
        pdf, _type = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(record.company_id)
            ._render_qweb_pdf(report, record.ids)
        )
        return self._dc_pdf_response(pdf, f"{record.name.replace('/', '-')}.pdf")

    def _dc_is_published(self, record):
        """Only what was sent to the customer."""
        if record._name == "debt.collection.demand":
            return bool(record.sent_date) and record.state != "cancelled"
        if record._name == "debt.collection.interest.note":
            return bool(record.move_id) and record.state in ("posted", "paid")
        return record.state not in ("draft", "cancelled")

    def _dc_pdf_response(self, pdf, filename):
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )

    # Balance confirmation ------------------------------------------------------

    @http.route(
        "/my/payments/balance-confirmation/<int:confirmation_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def debt_collection_balance_confirmation(
        self, confirmation_id, access_token=None, **post
    ):
        scope, response = self._dc_scope(access_token)
        if response:
            return response
        confirmation = (
            request.env["debt.collection.balance.confirmation"]
            .sudo()
            .browse(confirmation_id)
            .exists()
        )
        if (
            not confirmation
            or confirmation.partner_id != scope.partner
            or confirmation.company_id not in scope.companies
            or confirmation.state in ("draft", "cancelled")
        ):
            raise NotFound()
        error = None
        if request.httprequest.method == "POST":
            attachments = [
                (upload.filename, upload.read())
                for upload in request.httprequest.files.getlist("attachments")
                if upload.filename
            ]
            try:
                with request.env.cr.savepoint():
                    confirmation.with_context(
                        debt_collection_portal=True
                    )._record_answer(
                        post.get("answer"),
                        "portal",
                        self._dc_author(scope),
                        reason=post.get("reason"),
                        customer_balance=post.get("customer_balance"),
                        attachments=attachments,
                    )
            except UserError as exc:
                error = exc.args[0]
            else:
                return request.redirect(
                    self._dc_url(scope, "/my/payments", done=confirmation.state)
                )
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="debt_collection_payments",
            no_breadcrumbs=bool(scope.token),
            scope=scope,
            confirmation=confirmation,
            form_error=error,
            reason=post.get("reason") or "",
            customer_balance=post.get("customer_balance") or "",
            dc_url=lambda path, **params: self._dc_url(scope, path, **params),
        )
        return request.render(
            "debt_collection_portal.portal_balance_confirmation", values
        )
