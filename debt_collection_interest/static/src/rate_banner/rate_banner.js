/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { listView } from "@web/views/list/list_view";
import { ListRenderer } from "@web/views/list/list_renderer";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

/**
 * Says when the statutory interest rate tables end before today, why the last
 * update from NBP failed, and offers managers "Update Rates Now". The server
 * decides everything (debt.collection.interest.rate.get_rate_status).
 */
export class RateStatusBanner extends Component {
    static template = "debt_collection.RateStatusBanner";
    static props = { ...standardWidgetProps, record: { type: Object, optional: true } };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ status: { outdated: false }, updating: false });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.status = await this.orm.call(
            "debt.collection.interest.rate",
            "get_rate_status",
            []
        );
    }

    async update() {
        this.state.updating = true;
        let action;
        try {
            action = await this.orm.call(
                "debt.collection.interest.rate",
                "action_update_from_nbp",
                []
            );
        } finally {
            this.state.updating = false;
        }
        if (this.props.record) {
            // A form (or a wizard's dialog) stays: only the banner reloads.
            delete action.params.next;
            await this.action.doAction(action);
            await this.load();
        } else {
            // The list reloads, with a new banner.
            await this.action.doAction(action);
        }
    }
}

export class RateStatusListRenderer extends ListRenderer {
    static template = "debt_collection.RateStatusListRenderer";
    static components = { ...ListRenderer.components, RateStatusBanner };
}

registry.category("views").add("debt_collection_rate_list", {
    ...listView,
    Renderer: RateStatusListRenderer,
});

registry.category("view_widgets").add("debt_collection_rate_banner", {
    component: RateStatusBanner,
});
