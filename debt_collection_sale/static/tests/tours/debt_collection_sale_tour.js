/** @odoo-module */

import {registry} from "@web/core/registry";

const CUSTOMER = "Hurtownia Kowalski";

/**
 * A salesperson starts a quotation for a customer blocked by debt collection:
 * Odoo warns when the customer is chosen, the form shows a banner and the
 * quotation cannot be confirmed.
 */
registry.category("web_tour.tours").add("debt_collection_sale_tour", {
    url: "/odoo/action-sale.action_quotations_with_onboarding/new",
    steps: () => [
        {
            content: "Choose the customer",
            trigger: ".o_field_widget[name=partner_id] input",
            run: `edit ${CUSTOMER}`,
        },
        {
            content: "Pick it in the list",
            trigger: `.o-autocomplete--dropdown-item > a:contains(${CUSTOMER})`,
            run: "click",
        },
        {
            content: "Odoo warns that the customer is blocked, with the reason and the overdue amount",
            trigger: ".modal:contains(Customer blocked for sales):contains(Cheque bounced):contains(1,234.56)",
        },
        {
            content: "Close the warning",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The quotation shows the banner",
            trigger: ".o_form_view .alert-danger:contains(Customer blocked for sales):contains(Cheque bounced)",
        },
        {
            content: "Try to confirm",
            trigger: ".o_form_view button[name=action_confirm]:not(.o_invisible_modifier)",
            run: "click",
        },
        {
            content: "Confirmation is refused",
            trigger: ".modal .modal-body:contains(cannot be confirmed)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The quotation is still a quotation",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Quotation)",
        },
    ],
});
