/** @odoo-module **/

import { Component, onWillStart } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { View } from "@web/views/view";

/**
 * Collection dashboard: the graphs the server lists (ageing as of today, top
 * overdue customers, monthly KPIs, amounts recovered per step), each an
 * ordinary Odoo graph view without its control panel.
 */
export class DebtCollectionDashboard extends Component {
    static template = "debt_collection_analysis.Dashboard";
    static components = { View };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        onWillStart(async () => {
            this.data = await this.orm.call("debt.collection.kpi", "get_dashboard", []);
        });
    }

    viewProps(panel) {
        return {
            resModel: panel.res_model,
            type: "graph",
            domain: panel.domain,
            context: panel.context,
            display: { controlPanel: false },
            views: [
                [false, "graph"],
                [false, "search"],
            ],
        };
    }

    openPanel(panel) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: panel.title,
            res_model: panel.res_model,
            domain: panel.domain,
            context: panel.context,
            views: [
                [false, "graph"],
                [false, "pivot"],
                [false, "list"],
            ],
        });
    }
}

registry.category("actions").add("debt_collection_analysis.dashboard", DebtCollectionDashboard);
