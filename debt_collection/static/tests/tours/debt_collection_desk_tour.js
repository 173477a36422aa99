/** @odoo-module */

import {registry} from "@web/core/registry";

const {DateTime} = luxon;
const CUSTOMER = "Hurtownia Kowalski";

/**
 * A collector opens the desk, finds the reminded customer, phones and writes
 * down a promise to pay 500 in five days.
 */
registry.category("web_tour.tours").add("debt_collection_desk_tour", {
    url: "/odoo/action-debt_collection.action_debt_collection_case",
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
            content: "in five days",
            trigger: ".modal .o_field_widget[name=promise_date] input",
            run: `edit ${DateTime.now().plus({days: 5}).toFormat("MM/dd/yyyy")}`,
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
