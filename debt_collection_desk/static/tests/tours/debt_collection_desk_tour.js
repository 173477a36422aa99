/** @odoo-module */

import {registry} from "@web/core/registry";

const CUSTOMER = "Hurtownia Kowalski";

/**
 * A collector opens the desk, finds the reminded customer, phones and writes
 * down a promise to pay 500.
 */
registry.category("web_tour.tours").add("debt_collection_desk_tour", {
    url: "/odoo/action-debt_collection_desk.action_debt_collection_case",
    steps: () => [
        {
            content: "The customer's case waits in the Reminded column",
            trigger: `.o_kanban_group:contains(Reminded) .o_kanban_record:contains(${CUSTOMER}):contains(1,234.56)`,
            run: "click",
        },
        {
            content: "Log the call",
            trigger: ".o_form_view button[name=action_log_call]",
            run: "click",
        },
        {
            content: "The customer promises to pay",
            trigger: ".modal .o_field_widget[name=result] input[data-value=promise]",
            run: "click",
        },
        {
            content: "500 zł",
            trigger: ".modal .o_field_widget[name=promise_amount] input",
            run: "edit 500",
        },
        {
            // A fixed date: "today" differs between the browser and the
            // company's time zone around midnight.
            content: "by the end of 2099",
            trigger: ".modal .o_field_widget[name=promise_date] input",
            run: "edit 12/31/2099",
        },
        {
            content: "Save",
            trigger: ".modal button[name=action_log]",
            run: "click",
        },
        {
            content: "The case is now a promise to pay",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Promise to pay)",
        },
    ],
});
