from odoo import _, api, fields, models

from odoo.addons.debt_collection.models.debt_collection_template import (
    may_edit_wording,
    render_qweb_compiled_once,
)

LETTER_FIELDS = ("name", "body_html")


class DebtCollectionLetterTemplate(models.Model):
    """The text of a printed demand: rendered on the demand in the customer's
    language, between the letterhead (address window, date, title) and the
    end of the page. It calls the documents table and the payment details,
    which are the same in every letter."""

    _name = "debt.collection.letter.template"
    _inherit = ["mail.render.mixin"]
    _description = "Letter Template"
    _order = "kind, name, id"
    _unrestricted_rendering = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [("demand", "Payment demand"), ("final_demand", "Final demand")],
        required=True,
        default="demand",
        help="The demands this letter is printed for.",
    )
    body_html = fields.Html(
        "Letter",
        render_engine="qweb",
        render_options={"post_process": True},
        prefetch=True,
        translate=True,
        sanitize="email_outgoing",
    )
    lang = fields.Char(default="{{ object.partner_id.lang }}")

    @api.depends("kind")
    def _compute_render_model(self):
        self.render_model = "debt.collection.demand"

    def write(self, vals):
        if may_edit_wording(self, vals, LETTER_FIELDS):
            # sudo: a collector rewords a letter; nothing dynamic is added
            # (checked above), which only template editors may do.
            return super(DebtCollectionLetterTemplate, self.sudo()).write(vals)
        return super().write(vals)

    def _update_field_translations(
        self, fname, translations, digest=None, source_lang=None
    ):
        if all(
            may_edit_wording(self, {fname: value}, LETTER_FIELDS, lang)
            for lang, value in translations.items()
        ):
            # sudo: see write()
            return super(
                DebtCollectionLetterTemplate, self.sudo()
            )._update_field_translations(
                fname, translations, digest=digest, source_lang=source_lang
            )
        return super()._update_field_translations(
            fname, translations, digest=digest, source_lang=source_lang
        )

    @api.model
    def _render_template_qweb(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        # The letters of a batch print: the template compiled once.
        results = render_qweb_compiled_once(
            self, template_src, model, res_ids, add_context, options
        )
        if results is not None:
            return results
        return super()._render_template_qweb(
            template_src, model, res_ids, add_context=add_context, options=options
        )

    @api.model
    def _default_for(self, kind):
        xmlid = f"debt_collection_demand.letter_template_{kind}"
        return self.env.ref(xmlid, raise_if_not_found=False) or self.search(
            [("kind", "=", kind)], limit=1
        )

    def _render_letters(self, demands, lang=None):
        """{demand id: the letter's text} of ``demands`` (of this template),
        in each customer's language, or in ``lang``."""
        self.ensure_one()
        template = self.with_context(template_preview_lang=lang) if lang else self
        return template._render_field("body_html", demands.ids, compute_lang=True)

    def action_debt_collection_preview(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Letter Preview"),
            "res_model": "debt.collection.letter.preview",
            "view_mode": "form",
            "target": "new",
            "context": {"default_letter_template_id": self.id},
        }


class DebtCollectionLetterPreview(models.TransientModel):
    """The text of a letter for one demand, in a language to choose."""

    _name = "debt.collection.letter.preview"
    _description = "Letter Preview"

    @api.model
    def _selection_languages(self):
        return self.env["res.lang"].get_installed()

    letter_template_id = fields.Many2one(
        "debt.collection.letter.template", required=True, ondelete="cascade"
    )
    demand_id = fields.Many2one(
        "debt.collection.demand",
        string="Example Demand",
        compute="_compute_demand_id",
        store=True,
        readonly=False,
    )
    lang = fields.Selection(_selection_languages, string="Language")
    body_html = fields.Html("Letter", compute="_compute_body_html", sanitize=False)

    @api.depends("letter_template_id")
    def _compute_demand_id(self):
        for preview in self:
            preview.demand_id = self.env["debt.collection.demand"].search(
                [("kind", "=", preview.letter_template_id.kind)],
                order="id desc",
                limit=1,
            )

    @api.depends("letter_template_id", "demand_id", "lang")
    def _compute_body_html(self):
        for preview in self:
            demand = preview.demand_id
            preview.body_html = (
                demand
                and preview.letter_template_id._render_letters(
                    demand, lang=preview.lang
                )[demand.id]
            )
