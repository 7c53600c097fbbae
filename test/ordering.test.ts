import * as assert from "assert";
import { EgressTlsOrigination, EgressTlsOriginationArgs } from "../components";
import { cheapProviders } from "./support/cheapProviders";
import { TYPES } from "./support/fixtures";
import { ProgramRun, Registration, runProgram } from "./support/harness";
import { COMPONENT, everythingArgs, runComponent } from "./support/scenarios";
import { istioCredentialSecretName } from "./support/tlsClient";

const VIRTUAL_SERVICE = "VirtualService";
const DESTINATION_RULE = "DestinationRule";

function assertWaitsFor(dependent: Registration, dependency: Registration): void {
    assert.ok(dependent.dependencies.includes(dependency.urn), `${dependent.name} does not wait for ${dependency.name}`);
}

function assertWaitsForEventually(run: ProgramRun, dependent: Registration, dependency: Registration): void {
    assert.ok(run.waitsFor(dependent).has(dependency.urn), `${dependent.name} does not wait for ${dependency.name}, directly or through others`);
}

describe("ordering and cleanup", () => {
    let run: ProgramRun;
    const args = everythingArgs();
    const gatewayNamespace = args.gateway!.namespace!;
    before(async () => {
        run = await runComponent(args, cheapProviders);
    });

    it("each VirtualService waits for the Gateway, its subset's rule, its origination rule and, for an outside host, its ServiceEntry", () => {
        const virtualServices = run.objectsOfKind(VIRTUAL_SERVICE);
        assert.strictEqual(virtualServices.length, args.destinations.length);
        const gateways = run.objectsOfKind("Gateway");
        assert.strictEqual(gateways.length, 1);
        for (const virtualService of virtualServices) {
            const spec = virtualService.inputs.spec;
            const [host] = spec.hosts;
            assert.ok(spec.gateways.includes(gateways[0].inputs.metadata.name));
            assertWaitsFor(virtualService, gateways[0]);
            const subsets = spec.http.flatMap((route: any) => route.route.map((r: any) => r.destination)).filter((d: any) => d.subset);
            assert.ok(subsets.length > 0, `${virtualService.name} routes to no subset`);
            for (const { host: subsetHost, subset } of subsets) {
                const rules = run.objectsOfKind(DESTINATION_RULE).filter((r) => r.inputs.spec.host === subsetHost && r.inputs.spec.subsets?.some((s: any) => s.name === subset));
                assert.strictEqual(rules.length, 1, `${virtualService.name}: subset ${subset} of ${subsetHost}`);
                assertWaitsFor(virtualService, rules[0]);
            }
            const origination = run.objectsOfKind(DESTINATION_RULE).filter((r) => r.inputs.spec.host === host && r.inputs.metadata.namespace === gatewayNamespace);
            assert.strictEqual(origination.length, 1, `${virtualService.name}: origination rule for ${host}`);
            assertWaitsFor(virtualService, origination[0]);
            const destination = args.destinations.find((d) => d.host === host)!;
            const serviceEntries = run.objectsOfKind("ServiceEntry").filter((r) => r.inputs.spec.hosts.includes(host));
            assert.strictEqual(serviceEntries.length, destination.server ? 0 : 1, `${host}: ServiceEntries`);
            serviceEntries.forEach((entry) => assertWaitsFor(virtualService, entry));
        }
    });

    it("each origination DestinationRule waits for the credential Secret it names", () => {
        const originations = run.objectsOfKind(DESTINATION_RULE).filter((r) => r.inputs.spec.trafficPolicy?.portLevelSettings?.some((p: any) => p.tls?.credentialName));
        assert.strictEqual(originations.length, args.destinations.length);
        for (const origination of originations) {
            for (const { tls } of origination.inputs.spec.trafficPolicy.portLevelSettings) {
                assertWaitsFor(origination, run.object("Secret", gatewayNamespace, istioCredentialSecretName(tls.mode, tls.credentialName)));
            }
        }
    });

    it("each server Deployment waits for the Secrets and ConfigMap it mounts", () => {
        const deployments = run.objectsOfKind("Deployment");
        assert.strictEqual(deployments.length, 2);
        for (const deployment of deployments) {
            const { namespace } = deployment.inputs.metadata;
            const volumes = deployment.inputs.spec.template.spec.volumes as { secret?: { secretName: string }; configMap?: { name: string } }[];
            const mounted = [
                ...volumes.filter((v) => v.secret).map((v) => run.object("Secret", namespace, v.secret!.secretName)),
                ...volumes.filter((v) => v.configMap).map((v) => run.object("ConfigMap", namespace, v.configMap!.name)),
            ];
            assert.strictEqual(mounted.length, 3);
            mounted.forEach((dependency) => assertWaitsFor(deployment, dependency));
        }
    });

    it("everything in a namespace the component creates waits for it, so `pulumi destroy` deletes the Namespace last", () => {
        const namespaces = run.objectsOfKind("Namespace");
        assert.deepStrictEqual(namespaces.map((n) => n.inputs.metadata.name).sort(), [gatewayNamespace, "egress-tls-verify", "mesh-external", "payments"].sort());
        for (const namespace of namespaces) {
            // A Helm Release names its namespace at the top level, a Kubernetes object in its metadata.
            const inside = run.registrations.filter((r) => (r.inputs.metadata?.namespace ?? r.inputs.namespace) === namespace.inputs.metadata.name);
            assert.ok(inside.length > 0, `nothing in ${namespace.inputs.metadata.name}`);
            inside.forEach((object) => assertWaitsForEventually(run, object, namespace));
        }
    });

    it("nothing is protected or retained on delete", () => {
        for (const registration of run.registrations) {
            assert.strictEqual(registration.protect, false, `${registration.name} is protected`);
            assert.strictEqual(registration.retainOnDelete, false, `${registration.name} is retained on delete`);
        }
    });

    it("every child is parented to the component and named after it", () => {
        const urn = run.get(TYPES.component, COMPONENT).urn;
        const children = run.registrations.filter((r) => r.urn !== urn);
        assert.ok(children.length > 20);
        for (const child of children) {
            assert.strictEqual(child.parent, urn, `${child.name}'s parent`);
            assert.ok(child.name.startsWith(`${COMPONENT}-`), `${child.name} is not prefixed with ${COMPONENT}-`);
        }
    });

    it("two instances with different names in one program do not collide", async () => {
        const names = ["egress-a", "egress-b"];
        // The second instance takes no cluster name the first has (the same args twice are refused: twoInstances.test.ts).
        const second: EgressTlsOriginationArgs = {
            ...args,
            namePrefix: "b",
            gateway: { ...args.gateway, namespace: `${gatewayNamespace}-b` },
            destinations: args.destinations.map((d) => (d.server
                ? { ...d, host: d.host.replace(`.${d.server.namespace}.`, `.${d.server.namespace}-b.`), server: { ...d.server, namespace: `${d.server.namespace}-b` } }
                : { ...d, host: `b-${d.host}` })),
        };
        const twice = await runProgram(() => [new EgressTlsOrigination(names[0], args), new EgressTlsOrigination(names[1], second)], cheapProviders);
        const urns = twice.registrations.map((r) => r.urn);
        assert.strictEqual(new Set(urns).size, urns.length, "URNs are unique");
        assert.strictEqual(twice.registrations.length, 2 * run.registrations.length);
        for (const name of names) {
            const urn = twice.get(TYPES.component, name).urn;
            const children = twice.registrations.filter((r) => r.parent === urn);
            assert.strictEqual(children.length, run.registrations.length - 1);
            children.forEach((child) => assert.ok(child.name.startsWith(`${name}-`), `${child.name} under ${name}`));
        }
    });
});
