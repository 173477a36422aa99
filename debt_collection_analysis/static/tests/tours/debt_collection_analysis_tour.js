/** @odoo-module */

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const CUSTOMER = "Hurtownia Kowalski";

/**
 * A manager looks where the money is stuck: the dashboard's graphs, then the
 * ageing as of today with the customer's open items.
 */
registry.category("web_tour.tours").add("debt_collection_analysis_tour", {
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
            content: "Open the dashboard",
            trigger: '[data-menu-xmlid="debt_collection_analysis.menu_debt_collection_dashboard"]',
            run: "click",
        },
        {
            content: "The ageing graph is drawn",
            trigger: ".o_debt_collection_panel:contains(Ageing of open receivables) .o_graph_renderer canvas",
        },
        {
            content: "The DSO graph is drawn",
            trigger: ".o_debt_collection_panel:contains(DSO) .o_graph_renderer canvas",
        },
        {
            content: "The formulas are shown",
            trigger: ".o_debt_collection_dashboard:contains(DSO = receivables at month end)",
        },
        {
            content: "Open the Debt Collection menu",
            trigger: 'button[data-menu-xmlid="debt_collection.menu_debt_collection"]',
            run: "click",
        },
        {
            content: "Open the ageing",
            trigger: '[data-menu-xmlid="debt_collection_analysis.menu_debt_collection_ageing"]',
            run: "click",
        },
        {
            content: "Show it as of today",
            trigger: '.modal button[name="action_show"]',
            run: "click",
        },
        {
            content: "The pivot has the customer in the 1-30 days bucket",
            trigger: `.o_pivot:contains(${CUSTOMER}):contains(1-30 days):contains(1,234.56)`,
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the customer's items",
            trigger: `.o_data_row:contains(${CUSTOMER}) button[name="action_open_items"]`,
            run: "click",
        },
        {
            content: "The overdue invoice is listed with its days overdue",
            trigger: ".o_list_view .o_data_row:contains(INV):contains(10):contains(1,234.56)",
        },
    ],
});
