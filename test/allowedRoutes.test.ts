import * as assert from "assert";
import { labelSelectorMatches, namespaceLabels, waypointAllowsAttachment } from "./support/allowedRoutes";

// The evaluator against Istio's own cases: waypoints.go's defaults, TestWaypointAsEgressGateway's Selector listener
// (tests/integration/ambient/waypoint_test.go), and the Gateway API's allowedRoutes examples.

const hbone = (allowedRoutes?: object) => ({ gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE", allowedRoutes }] });
const apps = namespaceLabels("apps", { team: "payments" });

describe("waypoint attachment (istiod's AllowsAttachmentFromNamespace)", () => {
    it("Same when the HBONE listener has no allowedRoutes: only the waypoint's own namespace binds", () => {
        assert.strictEqual(waypointAllowsAttachment(hbone(), "egress", apps), false);
        assert.strictEqual(waypointAllowsAttachment(hbone(), "egress", namespaceLabels("egress")), true);
        assert.strictEqual(waypointAllowsAttachment(hbone({ namespaces: {} }), "egress", apps), false, "from defaults to Same");
    });

    it("All admits every namespace", () => {
        assert.strictEqual(waypointAllowsAttachment(hbone({ namespaces: { from: "All" } }), "egress", apps), true);
    });

    it("Selector matches the namespace's labels, including the kubernetes.io/metadata.name Kubernetes sets", () => {
        const byName = (name: string) => hbone({ namespaces: { from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": name } } } });
        assert.strictEqual(waypointAllowsAttachment(byName("apps"), "egress", apps), true);
        assert.strictEqual(waypointAllowsAttachment(byName("other"), "egress", apps), false);
        assert.strictEqual(waypointAllowsAttachment(byName("egress"), "egress", apps), false, "Selector replaces Same");
        assert.strictEqual(waypointAllowsAttachment(hbone({ namespaces: { from: "Selector", selector: { matchLabels: { team: "payments" } } } }), "egress", apps), true);
        assert.strictEqual(waypointAllowsAttachment(hbone({ namespaces: { from: "Selector" } }), "egress", apps), false, "no selector selects nothing");
    });

    it("judges the HBONE listener on 15008, not another one", () => {
        const spec = { listeners: [{ name: "open", port: 8080, protocol: "HTTP", allowedRoutes: { namespaces: { from: "All" } } }, { name: "mesh", port: 15008, protocol: "HBONE" }] };
        assert.strictEqual(waypointAllowsAttachment(spec, "egress", apps), false);
    });

    it("label selector expressions: In, NotIn, Exists, DoesNotExist, all of them and matchLabels together", () => {
        const labels = { env: "prod", tier: "web" };
        assert.strictEqual(labelSelectorMatches({ matchExpressions: [{ key: "env", operator: "In", values: ["prod", "qa"] }] }, labels), true);
        assert.strictEqual(labelSelectorMatches({ matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] }, labels), false);
        assert.strictEqual(labelSelectorMatches({ matchExpressions: [{ key: "gpu", operator: "NotIn", values: ["yes"] }] }, labels), true);
        assert.strictEqual(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "Exists" }, { key: "gpu", operator: "DoesNotExist" }] }, labels), true);
        assert.strictEqual(labelSelectorMatches({ matchLabels: { env: "prod" }, matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels), false);
        assert.strictEqual(labelSelectorMatches({}, labels), true, "an empty selector selects everything");
    });
});
