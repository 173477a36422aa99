/** @odoo-module */

import {registry} from "@web/core/registry";

const ROW = (amount) => `.o_dc_items tr:contains(${amount})`;

/**
 * A customer opens the link of a reminder e-mail (no login), reads what is
 * open, promises to pay one invoice, disputes another, pays a third with the
 * demo provider and confirms the balance.
 */
registry.category("web_tour.tours").add("debt_collection_portal_tour", {
    steps: () => [
        {
            content: "The overdue invoices, with days late and interest to date",
            trigger: `${ROW("1,000.00")} .o_dc_days_late:contains(20)`,
        },
        {
            trigger: `${ROW("1,000.00")} .o_dc_interest .oe_currency_value`,
        },
        {
            content: "Tick the invoice of 1,000.00",
            trigger: `${ROW("1,000.00")} input.o_dc_select`,
            run: "click",
        },
        {
            content: "Promise to pay it",
            trigger: ".o_dc_section button.o_dc_promise",
            run: "click",
        },
        {
            content: "The amount and a date a week ahead are proposed: promise",
            trigger: ".o_dc_promise_form button.o_dc_submit",
            run: "click",
        },
        {
            content: "The promise is recorded",
            trigger: ".o_dc_done:contains(your promise to pay is recorded)",
        },
        {
            trigger: `${ROW("1,000.00")} .badge:contains(Payment promised)`,
        },
        {
            content: "Tick the invoice of 500.00",
            trigger: `${ROW("500.00")} input.o_dc_select`,
            run: "click",
        },
        {
            content: "Dispute it",
            trigger: ".o_dc_section button.o_dc_dispute",
            run: "click",
        },
        {
            content: "Say what is wrong",
            trigger: ".o_dc_dispute_form textarea[name=reason]",
            run: "edit The goods arrived damaged.",
        },
        {
            trigger: ".o_dc_dispute_form button.o_dc_submit",
            run: "click",
        },
        {
            content: "The dispute is recorded",
            trigger: `${ROW("500.00")} .badge:contains(Disputed)`,
        },
        {
            content: "Tick the invoice of 234.56",
            trigger: `${ROW("234.56")} input.o_dc_select`,
            run: "click",
        },
        {
            content: "Pay it online",
            trigger: ".o_dc_section button.o_dc_pay",
            run: "click",
        },
        {
            content: "Choose the demo provider",
            trigger: ".o_dc_pay_page input[name=o_payment_radio][data-provider-code=demo]",
            run: "click",
        },
        {
            content: "Enter the (test) card",
            trigger: ".o_dc_pay_page #customer_input",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "button[name=o_payment_submit_button]:not(:disabled)",
            run: "click",
        },
        {
            content: "Back on the page after the payment",
            trigger: ".o_dc_done:contains(Thank you for your payment)",
            timeout: 20000,
        },
        {
            content: "Answer the balance confirmation",
            trigger: ".o_dc_confirmation_request a.o_dc_answer_confirmation",
            run: "click",
        },
        {
            content: "Confirm the balance",
            trigger: ".o_dc_balance_confirmation button.o_dc_confirm_balance",
            run: "click",
        },
        {
            content: "The confirmation is recorded",
            trigger: ".o_dc_done:contains(you confirmed your balance)",
        },
    ],
});
