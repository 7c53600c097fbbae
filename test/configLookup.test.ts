import * as assert from "assert";
import { destinationRuleFor, IstioObject, isExportedTo, MeshConfig, routesFor, visible } from "./support/configLookup";

// The examples of "Cross-namespace configuration" (istio.io, docs/ops/best-practices/traffic-management) and the cases
// of destinationRule() in istio/istio pilot/pkg/model/push_context.go, run through the model.

const MYSERVICE = "myservice.default.svc.cluster.local";
const SERVICES = [{ namespace: "default", name: "myservice" }];

function rule(namespace: string, name: string, spec: object): IstioObject {
    return { kind: "DestinationRule", namespace, name, spec: { host: MYSERVICE, ...spec } };
}

function mesh(...objects: IstioObject[]): MeshConfig {
    return { objects, services: SERVICES };
}

describe("the Istio configuration lookup model (test/support/configLookup.ts)", () => {
    describe("exportTo", () => {
        it("exports to every namespace by default and with *", () => {
            assert.ok(isExportedTo(undefined, "ns1", "ns2"));
            assert.ok(isExportedTo(["*"], "ns1", "ns2"));
        });

        it("keeps . to the object's own namespace, names namespaces one by one, and ~ hides from all", () => {
            assert.ok(isExportedTo(["."], "ns1", "ns1"));
            assert.ok(!isExportedTo(["."], "ns1", "ns2"));
            assert.ok(isExportedTo(["ns2"], "ns1", "ns2"));
            assert.ok(!isExportedTo(["ns2"], "ns1", "ns3"));
            assert.ok(!isExportedTo(["~"], "ns1", "ns1"));
        });

        it("shows a VirtualService exported to . only to clients in its namespace (the docs' myservice example)", () => {
            const vs: IstioObject = {
                kind: "VirtualService", namespace: "ns1", name: "myservice",
                spec: { hosts: ["myservice.com"], exportTo: ["."], http: [{ route: [{ destination: { host: "myservice" } }] }] },
            };
            const config = mesh(vs);
            assert.deepStrictEqual(visible(config, "VirtualService", "ns1"), [vs]);
            assert.deepStrictEqual(visible(config, "VirtualService", "ns2"), []);
            assert.strictEqual(routesFor(config, "ns1", "myservice.com", 80, "mesh").length, 1);
            assert.strictEqual(routesFor(config, "ns2", "myservice.com", 80, "mesh").length, 0);
        });
    });

    describe("DestinationRule lookup: client namespace, service namespace, root namespace", () => {
        const maxConnections = { connectionPool: { tcp: { maxConnections: 100 } } };

        it("applies a rule in ns1 for a service in default to clients in ns1 only, although it is exported (the docs' example)", () => {
            const config = mesh(rule("ns1", "myservice", { trafficPolicy: maxConnections }));
            assert.strictEqual(destinationRuleFor(config, "ns1", MYSERVICE)?.namespace, "ns1");
            assert.strictEqual(destinationRuleFor(config, "ns2", MYSERVICE), undefined);
        });

        it("applies a rule in the service's namespace to clients everywhere", () => {
            const config = mesh(rule("default", "myservice", { trafficPolicy: maxConnections }));
            for (const client of ["default", "ns1", "ns2", "istio-system"]) assert.strictEqual(destinationRuleFor(config, client, MYSERVICE)?.namespace, "default", client);
        });

        it("falls back to a rule exported from the root namespace", () => {
            const config = mesh(rule("istio-system", "global", { trafficPolicy: maxConnections }));
            assert.strictEqual(destinationRuleFor(config, "ns2", MYSERVICE)?.namespace, "istio-system");
            assert.strictEqual(destinationRuleFor({ ...config, rootNamespace: "mesh-root" }, "ns2", MYSERVICE), undefined);
        });

        it("prefers the client's own rule, then the service's, then the root's", () => {
            const config = mesh(rule("istio-system", "root", {}), rule("default", "service", {}), rule("ns1", "client", {}));
            assert.deepStrictEqual(destinationRuleFor(config, "ns1", MYSERVICE)?.from, ["client"]);
            assert.deepStrictEqual(destinationRuleFor(config, "ns2", MYSERVICE)?.from, ["service"]);
        });

        it("skips a service-namespace rule not exported to the client and goes on to the root", () => {
            const config = mesh(rule("default", "private", { exportTo: ["."] }), rule("default", "for-ns1", { exportTo: ["ns1"] }), rule("istio-system", "root", {}));
            assert.deepStrictEqual(destinationRuleFor(config, "ns1", MYSERVICE)?.from, ["for-ns1"]);
            assert.deepStrictEqual(destinationRuleFor(config, "ns2", MYSERVICE)?.from, ["root"]);
            // A rule exported only to ns1 is not in its own namespace's local pool (push_context.go: namespaceLocal).
            assert.deepStrictEqual(destinationRuleFor(config, "default", MYSERVICE)?.from, ["private"]);
        });

        it("gives a proxy in the root namespace its private root rules first, and otherwise the service's exported rule before the root's", () => {
            const exported = mesh(rule("istio-system", "root-exported", {}), rule("default", "service", {}));
            assert.deepStrictEqual(destinationRuleFor(exported, "istio-system", MYSERVICE)?.from, ["service"]);
            const privateRoot = mesh(rule("istio-system", "root-private", { exportTo: ["."] }), rule("default", "service", {}));
            assert.deepStrictEqual(destinationRuleFor(privateRoot, "istio-system", MYSERVICE)?.from, ["root-private"]);
        });

        it("merges rules for one host in one namespace: unique subsets concatenated, the first rule's subset kept on a clash", () => {
            const config = mesh(
                rule("default", "a", { subsets: [{ name: "v1", labels: { version: "v1" } }] }),
                rule("default", "b", { subsets: [{ name: "v2" }, { name: "v1", labels: { version: "other" } }] }),
            );
            const applied = destinationRuleFor(config, "ns2", MYSERVICE)!;
            assert.deepStrictEqual(applied.from, ["a", "b"]);
            assert.deepStrictEqual(applied.subsets, [{ name: "v1", labels: { version: "v1" } }, { name: "v2" }]);
        });

        it("prefers an exact host to a wildcard and a longer wildcard to a shorter one", () => {
            const wildcard = (name: string, host: string): IstioObject => ({ kind: "DestinationRule", namespace: "default", name, spec: { host } });
            assert.deepStrictEqual(destinationRuleFor(mesh(wildcard("all", "*.svc.cluster.local"), wildcard("ns", "*.default.svc.cluster.local")), "ns1", MYSERVICE)?.from, ["ns"]);
            assert.deepStrictEqual(destinationRuleFor(mesh(wildcard("ns", "*.default.svc.cluster.local"), rule("default", "exact", {})), "ns1", MYSERVICE)?.from, ["exact"]);
        });
    });

    describe("routes", () => {
        const vs: IstioObject = {
            kind: "VirtualService", namespace: "apps", name: "split",
            spec: {
                hosts: ["api.example.com"], gateways: ["egress", "mesh"],
                http: [
                    { match: [{ gateways: ["mesh"], port: 80 }], route: [{ destination: { host: "gw.istio-system.svc.cluster.local", subset: "api" } }] },
                    { match: [{ gateways: ["egress"], port: 443 }], route: [{ destination: { host: "api.example.com", port: { number: 443 } } }] },
                ],
            },
        };

        it("matches each route by gateway (short names in the VirtualService's namespace) and port", () => {
            const config = mesh(vs);
            assert.deepStrictEqual(routesFor(config, "shop", "api.example.com", 80, "mesh")[0].destinations, [{ host: "gw.istio-system.svc.cluster.local", subset: "api", port: undefined }]);
            assert.deepStrictEqual(routesFor(config, "istio-system", "api.example.com", 443, "apps/egress")[0].destinations, [{ host: "api.example.com", subset: undefined, port: 443 }]);
            assert.deepStrictEqual(routesFor(config, "istio-system", "api.example.com", 443, "istio-system/egress"), []);
            assert.deepStrictEqual(routesFor(config, "shop", "api.example.com", 443, "mesh"), []);
        });
    });
});
