/** @odoo-module */

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

/**
 * A manager about to propose interest notes is warned that the rate tables
 * are out of date; in the interest rates, "Update Rates Now" fetches them from
 * NBP (the test's local server) and the banner goes away.
 */
registry.category("web_tour.tours").add("debt_collection_rates_tour", {
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
            content: "Open the proposal of interest notes",
            trigger: '[data-menu-xmlid="debt_collection_interest.menu_debt_collection_interest_propose"]',
            run: "click",
        },
        {
            content: "The proposal warns that the tables are out of date",
            trigger: ".modal .o_debt_collection_rate_banner:contains(known up to 2025-11-06)",
        },
        {
            content: "Close the proposal",
            trigger: ".modal-footer button:contains(Close)",
            run: "click",
        },
        {
            content: "Open the Debt Collection menu again",
            trigger: 'body:not(:has(.modal)) button[data-menu-xmlid="debt_collection.menu_debt_collection"]',
            run: "click",
        },
        {
            content: "Open the interest rates",
            trigger: '[data-menu-xmlid="debt_collection_interest.menu_debt_collection_interest_rates"]',
            run: "click",
        },
        {
            content: "The banner says which table ends when",
            trigger: ".o_debt_collection_rate_banner:contains(The statutory interest rate tables are out of date.):contains(known up to 2025-11-06)",
        },
        {
            content: "Update the rates from NBP",
            trigger: ".o_debt_collection_rate_banner button.o_debt_collection_update_rates",
            run: "click",
        },
        {
            content: "NBP's rates are imported",
            trigger: ".o_notification:contains(Interest rates updated from NBP)",
        },
        {
            content: "The banner is gone; open the civil rates",
            trigger: ".o_list_view:not(:has(.o_debt_collection_rate_banner)) .o_group_header:contains(art. 481)",
            run: "click",
        },
        {
            content: "The period derived from NBP is listed",
            trigger: ".o_data_row:contains(Derived from NBP):contains(9.25)",
        },
    ],
});
