/** @odoo-module */

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

/**
 * A collector rewords the subject of the overdue reminder from the Debt
 * Collection menu (no debug mode), then previews the e-mail in Polish.
 */
registry.category("web_tour.tours").add("debt_collection_template_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open Invoicing",
            trigger: '.o_app[data-menu-xmlid="account.menu_finance"]',
            run: "click",
        },
        {
            content: "Open the Configuration menu of Debt Collection",
            trigger: 'button[data-menu-xmlid="debt_collection.menu_debt_collection"]',
            run: "click",
        },
        {
            content: "Open the message templates",
            trigger: '[data-menu-xmlid="debt_collection.menu_debt_collection_message_templates"]',
            run: "click",
        },
        {
            content: "The e-mail, SMS and letter templates are listed",
            trigger: ".o_list_view .o_data_row:contains(Payment demand letter)",
        },
        {
            content: "Open the overdue reminder",
            trigger: ".o_data_row td[name=name]:contains(Debt collection: overdue reminder)",
            run: "click",
        },
        {
            content: "Reword its subject",
            trigger: ".o_form_view .o_field_widget[name=subject] input",
            run: "edit {{ object.company_id.name }}: your invoices are overdue",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved; preview it",
            trigger: ".o_form_saved button[name=action_debt_collection_preview]",
            run: "click",
        },
        {
            content: "The preview shows the new subject",
            trigger: ".modal .o_field_widget[name=subject]:contains(your invoices are overdue)",
        },
        {
            content: "Preview it in Polish",
            trigger: ".modal .o_field_widget[name=lang] select",
            run: 'select "pl_PL"',
        },
        {
            content: "The Polish text is shown",
            trigger: ".modal .o_field_widget[name=body_html]:contains(Szanowni Państwo)",
        },
        {
            content: "Close the preview",
            trigger: ".modal-footer button:contains(Close)",
            run: "click",
        },
        {
            content: "Back on the template",
            trigger: "body:not(:has(.modal)) .o_form_view",
        },
    ],
});
