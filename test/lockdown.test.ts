import * as assert from "assert";
import { EgressTlsOriginationArgs } from "../components";
import { cheapProviders } from "./support/cheapProviders";
import { TYPES } from "./support/fixtures";
import { Registration } from "./support/harness";
import { devStackArgs, runComponent } from "./support/scenarios";

const CLIENTS = ["default", "shop"];

interface Selector {
    matchLabels?: { [key: string]: string };
    matchExpressions?: unknown[];
}
interface Peer {
    namespaceSelector?: Selector;
    podSelector?: Selector;
    ipBlock?: { cidr: string };
}
interface EgressRule {
    to?: Peer[];
    ports?: { protocol?: string; port?: number }[];
}
interface PolicySpec {
    podSelector: Selector;
    policyTypes: string[];
    egress?: EgressRule[];
}

/** Where a client pod sends a packet: a pod (by namespace and labels) or an address outside the cluster. */
type Target = { namespace: string; podLabels: { [key: string]: string }; port: number; protocol: "TCP" | "UDP" } | { outside: true; port: number; protocol: "TCP" | "UDP" };

function selects(selector: Selector | undefined, labels: { [key: string]: string }): boolean {
    if (selector?.matchExpressions?.length) throw new Error("matchExpressions are not modelled");
    return Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

function peerMatches(peer: Peer, target: Target, policyNamespace: string): boolean {
    if ("outside" in target) return peer.ipBlock !== undefined;
    if (peer.ipBlock) return false;
    // Kubernetes labels every namespace with its own name.
    const namespaceMatches = peer.namespaceSelector
        ? selects(peer.namespaceSelector, { "kubernetes.io/metadata.name": target.namespace })
        : target.namespace === policyNamespace;
    return namespaceMatches && selects(peer.podSelector, target.podLabels);
}

/** NetworkPolicy egress semantics: with Egress among policyTypes, a packet leaves only if some rule admits its peer and port. */
function egressAllowed(spec: PolicySpec, policyNamespace: string, target: Target): boolean {
    if (!spec.policyTypes.includes("Egress")) return true;
    return (spec.egress ?? []).some((rule) =>
        (rule.to === undefined || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, target, policyNamespace)))
        && (rule.ports === undefined || rule.ports.length === 0 || rule.ports.some((p) => (p.protocol ?? "TCP") === target.protocol && (p.port === undefined || p.port === target.port))));
}

const kubeDns = (port: number, protocol: "TCP" | "UDP"): Target => ({ namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" }, port, protocol });
const gatewayPod = (namespace: string): Target => ({ namespace, podLabels: { istio: "egressgateway" }, port: 443, protocol: "TCP" });
const istiod = (namespace: string): Target => ({ namespace, podLabels: { app: "istiod" }, port: 15012, protocol: "TCP" });
const FORBIDDEN: [string, Target][] = [
    ["an address outside the cluster", { outside: true, port: 443, protocol: "TCP" }],
    ["the in-cluster TLS server directly", { namespace: "mesh-external", podLabels: { run: "my-nginx" }, port: 8443, protocol: "TCP" }],
    ["another pod in kube-system", { namespace: "kube-system", podLabels: { component: "kube-apiserver" }, port: 53, protocol: "UDP" }],
    ["kube-dns on a port other than 53", kubeDns(8080, "TCP")],
];

async function lockdownPolicies(args: EgressTlsOriginationArgs): Promise<Registration[]> {
    return (await runComponent(args, cheapProviders)).ofType(TYPES.networkPolicy);
}

function assertAllowsOnly(policy: Registration, allowed: [string, Target][]): void {
    const { spec, metadata } = policy.inputs;
    for (const [what, target] of allowed) assert.ok(egressAllowed(spec, metadata.namespace, target), `${metadata.namespace}: ${what} is blocked`);
    for (const [what, target] of FORBIDDEN) assert.ok(!egressAllowed(spec, metadata.namespace, target), `${metadata.namespace}: ${what} is allowed`);
}

describe("egress lockdown", () => {
    /** The dev stack's policies with lockdown of CLIENTS, shared by the tests that only read them. */
    let policies: Registration[];
    before(async () => {
        policies = await lockdownPolicies({ ...devStackArgs(), lockdown: { namespaces: CLIENTS } });
    });

    it("puts one NetworkPolicy in each client namespace, selecting every pod, restricting egress only", () => {
        assert.deepStrictEqual(policies.map((p) => p.inputs.metadata.namespace).sort(), CLIENTS);
        for (const policy of policies) {
            assert.deepStrictEqual(policy.inputs.spec.podSelector, {});
            assert.deepStrictEqual(policy.inputs.spec.policyTypes, ["Egress"]);
        }
    });

    it("lets client pods reach the gateway, istiod and kube-dns (UDP and TCP 53), and nothing else", () => {
        for (const policy of policies) {
            assertAllowsOnly(policy, [
                ["the gateway", gatewayPod("istio-system")], ["istiod", istiod("istio-system")],
                ["DNS over UDP", kubeDns(53, "UDP")], ["DNS over TCP", kubeDns(53, "TCP")],
            ]);
        }
    });

    it("with a gateway in demo-istio and istiod in istio-system, allows both namespaces", async () => {
        const args = devStackArgs();
        const policies = await lockdownPolicies({ ...args, gateway: { ...args.gateway, namespace: "demo-istio" }, lockdown: { namespaces: CLIENTS } });
        assert.strictEqual(policies.length, CLIENTS.length);
        for (const policy of policies) {
            assertAllowsOnly(policy, [["the gateway", gatewayPod("demo-istio")], ["istiod", istiod("istio-system")], ["DNS", kubeDns(53, "UDP")]]);
            assert.ok(!egressAllowed(policy.inputs.spec, policy.inputs.metadata.namespace, gatewayPod("other-istio")), "a gateway elsewhere is reachable");
        }
    });

    it("makes no NetworkPolicy without lockdown", async () => {
        assert.deepStrictEqual(await lockdownPolicies(devStackArgs()), []);
    });

    it("the egress model lets everything through an open rule and nothing through an empty policy", () => {
        const open: PolicySpec = { podSelector: {}, policyTypes: ["Egress"], egress: [{}] };
        const closed: PolicySpec = { podSelector: {}, policyTypes: ["Egress"] };
        for (const [what, target] of FORBIDDEN) {
            assert.ok(egressAllowed(open, "default", target), `open rule blocks ${what}`);
            assert.ok(!egressAllowed(closed, "default", target), `empty policy allows ${what}`);
        }
    });
});
