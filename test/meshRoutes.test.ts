import * as assert from "assert";
import { EgressTlsOriginationArgs, resolveConfig } from "../components";
import { ResolvedConfig } from "../components/config";
import { objectNames } from "../components/naming";
import { cheapProviders } from "./support/cheapProviders";
import { MeshConfig } from "./support/configLookup";
import { programRun } from "./support/harness";
import { gatewayRouteProblem, gatewayService, meshOf, meshRouteProblem } from "./support/meshRoutes";
import { everyKindOfDestinationArgs, runComponent } from "./support/scenarios";

/** Every client namespace that matters: the routing namespace, the gateway's, and two that hold neither. */
function clientNamespaces(config: ResolvedConfig): string[] {
    return [config.routingNamespace, config.gateway.namespace, "shop", "payments-clients"];
}

const LAYOUTS: [string, EgressTlsOriginationArgs][] = [
    ["the defaults (routing in default, gateway in istio-system)", everyKindOfDestinationArgs()],
    ["a routing namespace and gateway of the user's choosing", {
        ...everyKindOfDestinationArgs(),
        routingNamespace: "egress-routes",
        gateway: { namespace: "egress-gw", name: "egress", selector: { app: "egress" } },
    }],
    ["a gateway the component deploys", { ...everyKindOfDestinationArgs(), gateway: { namespace: "egress-gw", deploy: true } }],
];

describe("mesh routes as Istio resolves them, for clients in every namespace (test/support/configLookup.ts)", () => {
    for (const [layout, args] of LAYOUTS) {
        describe(layout, () => {
            const config = resolveConfig(args);
            let mesh: MeshConfig;

            before(async () => {
                mesh = meshOf([await runComponent(args, cheapProviders)], [gatewayService(config)]);
            });

            for (const client of clientNamespaces(config)) {
                it(`resolves every destination's mesh route from ${client} to an existing subset of a registered host`, () => {
                    assert.deepStrictEqual(config.destinations.map((d) => meshRouteProblem(mesh, client, config, d)), config.destinations.map(() => ""));
                });
            }

            it("resolves the gateway's route for every destination to that destination's origination rule", () => {
                assert.deepStrictEqual(config.destinations.map((d) => gatewayRouteProblem(mesh, config, d)), config.destinations.map(() => ""));
            });
        });
    }

    describe("a mesh whose default exportTo is \".\" for VirtualServices, ServiceEntries and DestinationRules", () => {
        const args = everyKindOfDestinationArgs();
        const config = resolveConfig(args);
        let run: Awaited<ReturnType<typeof runComponent>>;
        const hardened = (registrations: typeof run.registrations) => ({ ...meshOf([programRun(registrations)], [gatewayService(config)]), defaultExportTo: ["."] });

        before(async () => { run = await runComponent(args, cheapProviders); });

        it("sends every client's request to the gateway's subset, and fails closed only where Kubernetes Services stay hidden", () => {
            // The component's VirtualServices and ServiceEntries say exportTo "*"; Kubernetes Services take the mesh's
            // default too, and the gateway's and the servers' carry no networking.istio.io/exportTo annotation yet: the
            // gateway host is unregistered outside its namespace (a 503), and so is an in-cluster server's host outside
            // its own. No outside host is left unregistered, so none is reached in plain text past the gateway.
            const mesh = hardened(run.registrations);
            for (const client of clientNamespaces(config).filter((namespace) => namespace !== config.gateway.namespace)) {
                assert.deepStrictEqual(config.destinations.map((d) => meshRouteProblem(mesh, client, config, d).replace(/^.*: /, "")),
                    config.destinations.map((d) => (d.server ? "host not registered" : `gateway host ${objectNames.gatewayHost(config.gateway)} not registered`)), client);
            }
            // With the Services exported to all (as the annotation would), every destination routes, at the gateway too.
            const annotated = { ...mesh, services: mesh.services.map((service) => ({ ...service, exportTo: ["*"] })) };
            for (const client of clientNamespaces(config)) {
                assert.deepStrictEqual(config.destinations.map((d) => meshRouteProblem(annotated, client, config, d)), config.destinations.map(() => ""), client);
            }
            assert.deepStrictEqual(config.destinations.map((d) => gatewayRouteProblem(annotated, config, d)), config.destinations.map(() => ""));
        });

        it("would leave other namespaces without a mesh route and the gateway without its route, were exportTo left to the mesh", () => {
            const unstated = run.registrations.map((r) => (["VirtualService", "ServiceEntry"].includes(r.inputs.kind)
                ? { ...r, inputs: { ...r.inputs, spec: { ...r.inputs.spec, exportTo: undefined } } }
                : r));
            const hidden = hardened(unstated);
            const mesh = { ...hidden, services: hidden.services.map((service) => ({ ...service, exportTo: ["*"] })) };
            const nginx = config.destinations[0];
            const outside = config.destinations.find((d) => d.server === undefined)!;
            assert.strictEqual(meshRouteProblem(mesh, config.routingNamespace, config, nginx), "");
            // Under ALLOW_ANY such a client's http://H would leave as plain HTTP, past the gateway and its policy.
            assert.match(meshRouteProblem(mesh, "shop", config, nginx), /: 0 mesh routes$/);
            assert.match(meshRouteProblem(mesh, "shop", config, outside), /: host not registered$/);
            assert.match(gatewayRouteProblem(mesh, config, nginx), /: 0 routes bound to /);
        });
    });

    it("catches the 503 of a gateway-bound rule left in the routing namespace (the layout before this fix)", async () => {
        const args = everyKindOfDestinationArgs();
        const config = resolveConfig(args);
        const run = await runComponent(args, cheapProviders);
        const moved = run.registrations.map((r) => (r.inputs.kind === "DestinationRule" && r.inputs.metadata.name.startsWith("egressgateway-for-")
            ? { ...r, inputs: { ...r.inputs, metadata: { ...r.inputs.metadata, namespace: config.routingNamespace }, spec: { ...r.inputs.spec, exportTo: undefined } } }
            : r));
        const before = meshOf([programRun(moved)], [gatewayService(config)]);
        const nginx = config.destinations[0];
        assert.strictEqual(meshRouteProblem(before, config.routingNamespace, config, nginx), "");
        assert.match(meshRouteProblem(before, "shop", config, nginx), /no subset nginx in any DestinationRule on the lookup path/);
    });
});
