import * as assert from "assert";
import { EgressTlsOriginationArgs } from "../components";
import { ISTIO_API_VERSIONS } from "../components/config";
import { cheapProviders } from "./support/cheapProviders";
import { ProgramRun, Registration } from "./support/harness";
import { devStackArgs, everyKindOfDestinationArgs, gatewayTypeArgs, runComponent } from "./support/scenarios";

/** The fields of a Kubernetes object that the component sets; anything else in a registration would escape validation. */
const OBJECT_FIELDS = ["apiVersion", "kind", "metadata", "spec", "data", "stringData", "type", "rules", "roleRef", "subjects"];

/** Every kind the component can emit; each must appear in a scenario below, so none escapes validation. */
const EMITTED_KINDS = [
    "AuthorizationPolicy", "ConfigMap", "Deployment", "DestinationRule", "Gateway", "HTTPRoute", "Job", "Namespace", "NetworkPolicy", "ReferenceGrant",
    "Role", "RoleBinding", "Secret", "Service", "ServiceEntry", "VirtualService",
];

interface UpstreamModel {
    apiVersion: string;
    kind: string;
    new (data: object): { validate(): void };
}

/**
 * The upstream model class of an apiVersion and kind: Istio's from @kubernetes-models/istio, the Gateway API's from
 * @kubernetes-models/gateway-api, the rest from kubernetes-models.
 */
async function upstreamModel(apiVersion: string, kind: string): Promise<UpstreamModel> {
    const modulePackage = apiVersion.includes(".istio.io/") ? "@kubernetes-models/istio"
        : apiVersion.startsWith("gateway.networking.k8s.io/") ? "@kubernetes-models/gateway-api" : "kubernetes-models";
    const modulePath = `${modulePackage}/${apiVersion}/${kind}`;
    const model: UpstreamModel = (await import(modulePath))[kind];
    assert.ok(model, `${modulePath} exports no ${kind}`);
    assert.deepStrictEqual([model.apiVersion, model.kind], [apiVersion, kind], `${modulePath} models another object`);
    return model;
}

/** Builds the object from the fields the component declared and validates it; throws what the upstream schema refuses. */
async function validateUpstream(object: { [field: string]: any }): Promise<void> {
    const Model = await upstreamModel(object.apiVersion, object.kind);
    new Model(Object.fromEntries(OBJECT_FIELDS.filter((f) => object[f] !== undefined).map((f) => [f, object[f]]))).validate();
}

/** The kind of each Kubernetes object the run declares, from its `Kind namespace/name` listing. */
function declaredKinds(run: ProgramRun): Set<string> {
    return new Set(run.kubernetesObjects().map((object) => object.split(" ")[0]));
}

/** Every Kubernetes object the run declares, kind by kind. */
function kubernetesObjects(run: ProgramRun): Registration[] {
    return [...declaredKinds(run)].flatMap((kind) => run.objectsOfKind(kind));
}

function describeObject(r: Registration): string {
    return `${r.inputs.apiVersion} ${r.inputs.kind} ${r.inputs.metadata?.namespace ?? ""}/${r.inputs.metadata?.name}`;
}

/** Deep copy of one declared object, changed by `breakIt`. */
function brokenCopy(r: Registration, breakIt: (object: any) => void): any {
    const copy = structuredClone(r.inputs);
    breakIt(copy);
    return copy;
}

/** Callers named for every destination after the first: whole namespaces and single service accounts. */
function restrictedDestinations(args: EgressTlsOriginationArgs): EgressTlsOriginationArgs {
    const [first, ...others] = args.destinations;
    return { ...args, destinations: [first, ...others.map((d) => ({ ...d, allowedFrom: [{ namespace: "apps" }, { namespace: "clients", serviceAccount: "checkout" }] }))] };
}

const DEV_STACK = "the dev stack";
const EVERYTHING = "several destinations (MUTUAL, outside hosts, allowedFrom), lockdown, verify Job, gateway in demo-istio";
const gatewayTypeScenario = (type: string) => `${type}: every kind of destination (allowedFrom), lockdown, verify Job`;
const SCENARIOS: { [scenario: string]: () => EgressTlsOriginationArgs } = {
    [DEV_STACK]: devStackArgs,
    [EVERYTHING]: () => ({
        ...restrictedDestinations(everyKindOfDestinationArgs()),
        gateway: { namespace: "demo-istio", name: "istio-egressgateway", selector: { istio: "egressgateway" } },
        routingNamespace: "apps",
        lockdown: { namespaces: ["apps", "clients"] },
        verify: true,
    }),
    ...Object.fromEntries(["gateway-api", "waypoint"].map((type) => [
        gatewayTypeScenario(type),
        () => ({ ...restrictedDestinations(gatewayTypeArgs(type)), lockdown: { namespaces: ["apps", "clients"] }, verify: true }),
    ])),
};

/** Each scenario's run for one Istio API version, run once and shared by the tests. */
const runs = new Map<string, Promise<ProgramRun>>();
function scenarioRun(scenario: string, istioApiVersion: string): Promise<ProgramRun> {
    const key = `${scenario} ${istioApiVersion}`;
    if (!runs.has(key)) runs.set(key, runComponent({ ...SCENARIOS[scenario](), istioApiVersion }, cheapProviders));
    return runs.get(key)!;
}

async function findDeclared(kind: string, namespace: string, name: string, istioApiVersion = "networking.istio.io/v1"): Promise<Registration> {
    return (await scenarioRun(DEV_STACK, istioApiVersion)).object(kind, namespace, name);
}

describe("every declared Kubernetes object against the upstream schemas", () => {
    for (const scenario of Object.keys(SCENARIOS)) {
        for (const istioApiVersion of ISTIO_API_VERSIONS) {
            it(`${scenario}, ${istioApiVersion}`, async () => {
                const objects = kubernetesObjects(await scenarioRun(scenario, istioApiVersion));
                assert.ok(objects.some((r) => r.inputs.apiVersion === istioApiVersion), `no object of ${istioApiVersion}`);
                const refused: string[] = [];
                for (const object of objects) {
                    const unchecked = Object.keys(object.inputs).filter((f) => !OBJECT_FIELDS.includes(f));
                    assert.deepStrictEqual(unchecked, [], `${describeObject(object)} sets fields the check leaves out`);
                    await validateUpstream(object.inputs).catch((error: Error) => refused.push(`${describeObject(object)}: ${error.message}`));
                }
                assert.deepStrictEqual(refused, []);
            });
        }
    }

    it("covers every kind the component emits", async () => {
        const kinds = new Set<string>();
        for (const scenario of Object.keys(SCENARIOS)) {
            for (const istioApiVersion of ISTIO_API_VERSIONS) {
                for (const kind of declaredKinds(await scenarioRun(scenario, istioApiVersion))) kinds.add(kind);
            }
        }
        assert.deepStrictEqual([...kinds].sort(), EMITTED_KINDS);
    });

    describe("the same check refuses a broken copy", () => {
        for (const istioApiVersion of ISTIO_API_VERSIONS) {
            it(`${istioApiVersion}: TLS mode "SIMPLEX" in the origination DestinationRule`, async () => {
                const rule = await findDeclared("DestinationRule", "istio-system", "originate-tls-for-nginx", istioApiVersion);
                await validateUpstream(rule.inputs);
                const broken = brokenCopy(rule, (o) => { o.spec.trafficPolicy.portLevelSettings[0].tls.mode = "SIMPLEX"; });
                await assert.rejects(validateUpstream(broken), /tls\/mode must be equal to one of the allowed values/);
            });

            it(`${istioApiVersion}: an AuthorizationPolicy whose action is "REJECT"`, async () => {
                const [policy] = (await scenarioRun(EVERYTHING, istioApiVersion)).objectsOfKind("AuthorizationPolicy");
                await validateUpstream(policy.inputs);
                const broken = brokenCopy(policy, (o) => { o.spec.action = "REJECT"; });
                await assert.rejects(validateUpstream(broken), /action must be equal to one of the allowed values/);
            });

            it(`${istioApiVersion}: a Gateway port number given as a string`, async () => {
                const gateway = await findDeclared("Gateway", "default", "istio-egressgateway", istioApiVersion);
                await validateUpstream(gateway.inputs);
                const broken = brokenCopy(gateway, (o) => { o.spec.servers[0].port.number = "443"; });
                await assert.rejects(validateUpstream(broken), /port\/number must be integer/);
            });
        }

        it("a Service port given as a string", async () => {
            const broken = brokenCopy(await findDeclared("Service", "mesh-external", "my-nginx"), (o) => { o.spec.ports[0].port = "443"; });
            await assert.rejects(validateUpstream(broken), /ports\/0\/port must be integer/);
        });

        it("a Deployment container without a name", async () => {
            const broken = brokenCopy(await findDeclared("Deployment", "mesh-external", "my-nginx"), (o) => { delete o.spec.template.spec.containers[0].name; });
            await assert.rejects(validateUpstream(broken), /containers\/0 must have required property name/);
        });

        it("a Gateway API listener without a protocol, and an HTTPRoute backend port given as a string", async () => {
            const run = await scenarioRun(gatewayTypeScenario("gateway-api"), "networking.istio.io/v1");
            const gateway = run.object("Gateway", "istio-egress", "egress-gateway");
            const route = run.object("HTTPRoute", "istio-egress", "forward-partner-from-egress-gateway");
            await validateUpstream(gateway.inputs);
            await validateUpstream(route.inputs);
            await assert.rejects(validateUpstream(brokenCopy(gateway, (o) => { delete o.spec.listeners[0].protocol; })), /listeners\/0 must have required property protocol/);
            await assert.rejects(validateUpstream(brokenCopy(route, (o) => { o.spec.rules[0].backendRefs[0].port = "443"; })), /port must be integer/);
        });

        it("a Secret whose stringData holds a number", async () => {
            const broken = brokenCopy(await findDeclared("Secret", "istio-system", "client-credential-cacert"), (o) => { o.stringData["ca.crt"] = 42; });
            await assert.rejects(validateUpstream(broken), /stringData\/ca\.crt must be string/);
        });
    });
});
