/** @odoo-module */

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

/**
 * The customer pays an interest note at the cash desk: the accountant opens
 * the note, registers the payment in the cash journal, and the note is paid.
 */
registry.category("web_tour.tours").add("debt_collection_settle_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open Invoicing",
            trigger: '.o_app[data-menu-xmlid="account.menu_finance"]',
            run: "click",
        },
        {
            content: "Open the Debt Collection menu",
            trigger: 'button[data-menu-xmlid="debt_collection.menu_debt_collection"]',
            run: "click",
        },
        {
            content: "Open the interest notes",
            trigger: '[data-menu-xmlid="debt_collection_interest.menu_debt_collection_interest_notes"]',
            run: "click",
        },
        {
            content: "Open the customer's posted note",
            trigger: ".o_data_row:contains(Hurtownia Kowalski):contains(Posted) td[name=name]",
            run: "click",
        },
        {
            content: "Register the payment",
            trigger: ".o_form_view button[name=action_register_payment]",
            run: "click",
        },
        {
            content: "Pay it in the cash journal",
            trigger: ".modal .o_field_widget[name=journal_id] input",
            run: "edit Cash",
        },
        {
            trigger: ".dropdown-item:contains(Cash)",
            run: "click",
        },
        {
            content: "Create the payment",
            trigger: ".modal button[name=action_create_payments]",
            run: "click",
        },
        {
            content: "The note is paid",
            trigger: "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains(Paid)",
        },
    ],
});
