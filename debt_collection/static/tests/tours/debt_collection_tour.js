/** @odoo-module */

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const CUSTOMER = "Hurtownia Kowalski";
const NOTE = "Phoned, promised to pay on Friday";

/**
 * A collector's morning: the to-do list shows the overdue reminder planned for
 * a customer; the collector opens the customer, reads the collection status,
 * phones, writes down the promise and sees it in the history.
 */
registry.category("web_tour.tours").add("debt_collection_tour", {
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
            content: "Open the collection to-do list",
            trigger: '[data-menu-xmlid="debt_collection.menu_debt_collection_todo"]',
            run: "click",
        },
        {
            content: "The overdue reminder is planned for the customer",
            trigger: `.o_list_view .o_data_row:contains(${CUSTOMER}):contains(Overdue reminder):contains(1,234.56)`,
        },
        {
            content: "The reminder goes to the customer's address",
            trigger: `.o_list_view .o_data_row:contains(${CUSTOMER}) td[name=recipients]:contains(biuro@kowalski.example.com)`,
        },
        {
            content: "Open the Customers menu",
            trigger: 'button[data-menu-xmlid="account.menu_finance_receivables"]',
            run: "click",
        },
        {
            content: "Open the customers",
            trigger: '[data-menu-xmlid="account.menu_account_customer"]',
            run: "click",
        },
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: `edit ${CUSTOMER}`,
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the customer",
            trigger: `.o_kanban_record:contains(${CUSTOMER})`,
            run: "click",
        },
        {
            content: "Open the Collection tab",
            trigger: '.o_form_view .o_notebook .nav-link[name="debt_collection"]',
            run: "click",
        },
        {
            content: "The next planned action is the overdue reminder",
            trigger: '.o_field_widget[name="debt_collection_next_step_id"]:contains(Overdue reminder)',
        },
        {
            content: "Add a note",
            trigger: 'button[name="action_debt_collection_add_note"]',
            run: "click",
        },
        {
            content: "Focus the note editor",
            trigger: '.modal .o_field_widget[name="note"] .odoo-editor-editable',
            run: "click",
        },
        {
            content: "Type the note",
            trigger: '.modal .o_field_widget[name="note"] .odoo-editor-editable',
            run: `editor ${NOTE}`,
        },
        {
            content: "Save the note",
            trigger: '.modal button[name="action_add_note"]',
            run: "click",
        },
        {
            content: "The note is in the customer's collection history",
            trigger: `body:not(:has(.modal)) .o_field_widget[name="debt_collection_event_ids"] .o_data_row:contains(${NOTE})`,
        },
    ],
});
