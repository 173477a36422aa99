"""The message templates of collection: e-mail (mail.template), SMS
(sms.template, debt_collection_sms) and letter templates, listed together
under Debt Collection > Configuration > Message Templates, and editable there
by collectors as far as their wording goes.

Odoo lets only template editors (a technical right: templates run code)
change templates with dynamic parts. A collector may change the wording of
the collection templates: a change that adds no dynamic part (no expression
the template did not already have) is written for them.
"""

import ast

from lxml import html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, float_round, safe_eval
from odoo.tools import format_date as tools_format_date
from odoo.tools.misc import get_lang
from odoo.tools.rendering_tools import parse_inline_template

from odoo.addons.base.models.res_lang import intersperse

# The models collection e-mails are rendered on (see
# mail.template._debt_collection_template_models()).
TEMPLATE_MODELS = ("debt.collection.notice",)


def template_expressions(value, engine):
    """The dynamic parts of a template field: QWeb directives, or the
    ``{{ … }}`` expressions of an inline template."""
    if not value:
        return set()
    if engine in ("qweb", "qweb_view"):
        root = html.fragment_fromstring(str(value), create_parent="div")
        return {
            (name, attribute)
            for element in root.iter()
            for name, attribute in element.attrib.items()
            if name.startswith("t-")
        }
    return {
        expression
        for _text, expression, *_r in parse_inline_template(str(value))
        if expression
    }


def may_edit_wording(records, vals, fields_allowed, lang=None):
    """Whether the current user, a collector who is not a template editor,
    may write ``vals`` on the collection templates ``records``: only
    ``fields_allowed`` change, and no dynamic part is added."""
    env = records.env
    if (
        env.su
        or not records
        or env.user.has_group("mail.group_mail_template_editor")
        or not env.user.has_group("debt_collection.group_debt_collection_user")
        or not set(vals) <= set(fields_allowed)
    ):
        return False
    # sudo: the templates' content, compared with the change asked for.
    current = records.sudo().with_context(lang=lang or env.lang)
    for name, value in vals.items():
        engine = getattr(records._fields[name], "render_engine", "inline_template")
        known = set().union(
            *(template_expressions(record[name], engine) for record in current)
        )
        if not template_expressions(value, engine) <= known:
            return False
    return True


def render_qweb_compiled_once(
    mixin, template_src, model, res_ids, add_context, options
):
    """{res_id: rendered} of a QWeb template for many records, compiled once.

    Odoo's ``mail.render.mixin._render_template_qweb`` parses and compiles
    the template again for each record: most of the time of a batch of
    e-mails or letters. This renders the records with one compilation and
    the same values and checks; on any error it returns None and the caller
    renders with Odoo's own method, which raises the error Odoo raises.
    """
    if not template_src or not res_ids:
        return None
    if not mixin._has_unsafe_expression_template_qweb(template_src, model):
        return None  # Odoo renders those without QWeb (regex)
    variables = mixin._render_eval_context()
    variables.update(batch_formatters(mixin.env, variables["format_date"]))
    if add_context:
        variables.update(**add_context)
    options = dict(options or {})
    if (
        not mixin._unrestricted_rendering
        and not mixin.env.is_admin()
        and not mixin.env.user.has_group("mail.group_mail_template_editor")
    ):
        options["raise_on_forbidden_code_for_model"] = model
    qweb = mixin.env["ir.qweb"].with_context(**options)
    element = html.fragment_fromstring(template_src, create_parent="div")
    functions = name = None
    results = {}
    try:
        for record in mixin.env[model].browse(res_ids):
            values = dict(variables, object=record)
            record_qweb = qweb._prepare_environment(values)
            safe_eval.check_values(values)
            if functions is None:
                functions, name = record_qweb._compile(element)
            rendered = Markup("".join(functions[name](record_qweb, values)))
            # Without the <div> wrapping the template's nodes (as Odoo does).
            results[record.id] = rendered[5:-6]
    except Exception:  # noqa: BLE001 - Odoo's renderer reports it
        return None
    return results


def batch_formatters(env, format_date=None):
    """``format_date`` and ``format_amount`` for templates, the same text as
    Odoo's, for many records at once: ``format_date`` wraps the rendering
    context's (by default Odoo's ``tools.format_date``).

    Odoo's look the language up on every call (a quarter of a millisecond),
    as does a ``t-field`` or a ``monetary`` widget: with a few dates and
    amounts per document, most of the time of a batch of e-mails, letters or
    activity notes. Here each language is read once, each date formatted
    once."""
    if format_date is None:

        def format_date(date, date_format=False, lang_code=False):
            return tools_format_date(env, date, lang_code, date_format)

    dates = {}

    def format_date_once(date, date_format=False, lang_code=False):
        key = (date, date_format, lang_code)
        if key not in dates:
            dates[key] = format_date(date, date_format, lang_code)
        return dates[key]

    langs, currencies = {}, {}

    def format_amount(amount, currency, lang_code=False):
        # tools.format_amount, with the language and the currency read once
        if lang_code not in langs:
            lang = get_lang(env, lang_code)
            grouping = ast.literal_eval(lang.grouping)
            langs[lang_code] = (grouping, lang.thousands_sep or "", lang.decimal_point)
        grouping, thousands_sep, decimal_point = langs[lang_code]
        if currency.id not in currencies:
            symbol = currency.symbol or ""
            currencies[currency.id] = (
                currency.decimal_places,
                currency.rounding,
                f"{symbol}\N{NO-BREAK SPACE}" if currency.position == "before" else "",
                "" if currency.position == "before" else f"\N{NO-BREAK SPACE}{symbol}",
            )
        digits, rounding, before, after = currencies[currency.id]
        rounded = float_round(amount, precision_rounding=rounding)
        whole, *fraction = f"{rounded:.{digits}f}".split(".")
        number = decimal_point.join(
            [intersperse(whole, grouping, thousands_sep)[0], *fraction]
        )
        number = number.replace(" ", "\N{NO-BREAK SPACE}").replace(
            "-", "-\N{ZERO WIDTH NO-BREAK SPACE}"
        )
        return f"{before}{number}{after}"

    return {"format_date": format_date_once, "format_amount": format_amount}


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _debt_collection_template_models(self):
        """The models collection e-mails are rendered on; addons with
        documents of their own extend this."""
        return TEMPLATE_MODELS

    def _debt_collection_is_collection_template(self):
        models = self._debt_collection_template_models()
        return all(template.sudo().model in models for template in self)

    def write(self, vals):
        if self._debt_collection_is_collection_template() and may_edit_wording(
            self, vals, ("name", "subject", "body_html", "description")
        ):
            # sudo: a collector rewords a collection template; nothing
            # dynamic is added (checked above), which only editors may do.
            return super(MailTemplate, self.sudo()).write(vals)
        return super().write(vals)

    def _update_field_translations(
        self, fname, translations, digest=None, source_lang=None
    ):
        if self._debt_collection_is_collection_template() and all(
            may_edit_wording(
                self, {fname: value}, ("name", "subject", "body_html"), lang
            )
            for lang, value in translations.items()
        ):
            # sudo: see write()
            return super(MailTemplate, self.sudo())._update_field_translations(
                fname, translations, digest=digest, source_lang=source_lang
            )
        return super()._update_field_translations(
            fname, translations, digest=digest, source_lang=source_lang
        )

    @api.model
    def _render_template_qweb(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        if model in self._debt_collection_template_models():
            results = render_qweb_compiled_once(
                self, template_src, model, res_ids, add_context, options
            )
            if results is not None:
                return results
        return super()._render_template_qweb(
            template_src, model, res_ids, add_context=add_context, options=options
        )

    def _debt_collection_queue_mails(self, res_ids):
        """Queue one e-mail per record of ``res_ids`` (in that order) and
        return the ``mail.mail`` records: the same e-mails as Odoo's
        ``send_mail_batch``, rendered for all the records at once.

        ``_generate_template`` sorts the records by language and renders each
        field for all the records of a language in one call; the messages and
        mails are then created with one ``create``. Odoo's ``send_mail_batch``
        does the same in chunks of ``mail.batch_size`` (50) records; a
        collection run sends thousands. Collection templates have no
        notification layout (the template is the whole letter).
        """
        self.ensure_one()
        self._send_check_access(res_ids)
        if not res_ids:
            return self.env["mail.mail"].sudo()
        values_by_id = self._generate_template(
            res_ids,
            (
                "attachment_ids",
                "auto_delete",
                "body_html",
                "email_cc",
                "email_from",
                "email_to",
                "mail_server_id",
                "model",
                "partner_to",
                "reply_to",
                "report_template_ids",
                "res_id",
                "scheduled_date",
                "subject",
            ),
        )
        # Read the records' names once, not one record at a time when each
        # message is created.
        records = self.env[self.model].sudo().browse(res_ids)
        names = dict(zip(res_ids, records.mapped("display_name"), strict=True))
        values_list, attachments_list = [], []
        for res_id in res_ids:
            values = values_by_id[res_id]
            values["recipient_ids"] = [
                fields.Command.link(pid) for pid in values.get("partner_ids") or []
            ]
            values["attachment_ids"] = [
                fields.Command.link(aid) for aid in values.get("attachment_ids") or []
            ]
            values["record_name"] = names[res_id]
            values["body"] = values["body_html"]
            if "email_from" in values and not values["email_from"]:
                del values["email_from"]
            attachments_list.append(values.pop("attachments", []))
            values_list.append(values)
        # sudo: mail.mail is for administrators; access was checked above.
        mails = self.env["mail.mail"].sudo().create(values_list)
        for mail, attachments in zip(mails, attachments_list, strict=True):
            if attachments:  # rendered reports (report_template_ids)
                mail.with_context(default_type=None).write(
                    {
                        "attachment_ids": [
                            fields.Command.create(
                                {
                                    "name": name,
                                    "datas": datas,
                                    "type": "binary",
                                    "res_model": "mail.message",
                                    "res_id": mail.mail_message_id.id,
                                }
                            )
                            for name, datas in attachments
                        ]
                    }
                )
        return mails

    def action_debt_collection_preview(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mail.mail_template_preview_action"
        )
        action["context"] = {"default_mail_template_id": self.id}
        return action


class DebtCollectionMessageTemplate(models.Model):
    """One row per template the collection steps can use: e-mails, letters
    (and SMS with debt_collection_sms). A view over the templates' own
    models; editing and previewing open them."""

    _name = "debt.collection.message.template"
    _description = "Collection Message Template"
    _auto = False
    _order = "kind, res_id"

    kind = fields.Selection(
        [("email", "E-mail"), ("letter", "Letter")], readonly=True, required=True
    )
    res_model = fields.Char("Template Model", readonly=True)
    res_id = fields.Integer("Template ID", readonly=True)
    name = fields.Char(compute="_compute_template")
    used_for = fields.Char("Rendered On", compute="_compute_template")
    step_names = fields.Char("Used By Steps", compute="_compute_template")

    @property
    def _table_query(self):
        return SQL(" UNION ALL ").join(self._template_queries())

    def _template_queries(self):
        """SELECTs of (id, kind, res_model, res_id); addons add theirs. Ids
        are the template's id times 10 plus a digit per kind."""
        return [
            SQL(
                """SELECT id * 10 + 1 AS id, 'email' AS kind,
                          'mail.template' AS res_model, id AS res_id
                     FROM mail_template
                    WHERE model = ANY(%s) AND active""",
                list(self.env["mail.template"]._debt_collection_template_models()),
            ),
        ]

    def _template(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id)

    def _step_field(self):
        """The step field that points to each kind of template."""
        return {"email": "mail_template_id"}

    @api.depends("res_model", "res_id")
    def _compute_template(self):
        Step = self.env["debt.collection.step"]
        fields_by_kind = self._step_field()
        steps = Step.search(
            expression.OR([[(name, "!=", False)] for name in fields_by_kind.values()])
        )
        for row in self:
            template = row._template().sudo()  # sudo: names shown in the list
            row.name = template.display_name
            row.used_for = self.env["ir.model"]._get(row._rendered_on(template)).name
            field = fields_by_kind.get(row.kind)
            row.step_names = ", ".join(
                steps.filtered(lambda s, f=field, t=template: s[f] == t).mapped(
                    "display_name"
                )
            )

    def _rendered_on(self, template):
        """The model ``template`` renders on; addons with templates that
        name no model say theirs."""
        return template["model"]

    def _edit_views(self):
        """{template model: the form collectors edit it in}."""
        return {
            "mail.template": "debt_collection.mail_template_view_form_debt_collection"
        }

    def action_edit(self):
        self.ensure_one()
        view = self._edit_views().get(self.res_model)
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(self.env.ref(view).id if view else False, "form")],
            "target": "current",
        }

    def action_preview(self):
        """Odoo's preview of the template, with a language to choose."""
        self.ensure_one()
        return self._template().action_debt_collection_preview()
