from markupsafe import Markup

from odoo import Command


def selection_defaults(env):
    """Defaults of a wizard opened on selected documents, customers or to-do
    lines: the documents or customers it works on."""
    model, ids = env.context.get("active_model"), env.context.get("active_ids")
    if not ids:
        return {}
    if model == "account.move":
        return {"move_ids": [Command.set(ids)]}
    if model == "res.partner":
        return {"partner_ids": [Command.set(ids)]}
    if model == "debt.collection.worklist.line":
        return {"move_ids": [Command.set(env[model].browse(ids).move_ids.ids)]}
    return {}


def skipped_html(skipped):
    """What a batch left out, as list items: {partner: [reasons]}."""
    return Markup("").join(
        Markup("<li><b>%s</b>: %s</li>") % (partner.display_name, " ".join(reasons))
        for partner, reasons in skipped.items()
    )
