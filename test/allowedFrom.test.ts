import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { EgressTlsOriginationArgs, resolveConfig } from "../components";
import { renderCheckCommands } from "../components/render/checkCommands";
import { renderCallerPolicy, securityApiVersion } from "../components/render/authorization";
import { authorize, AuthorizationPolicy, AuthzRequest, Workload } from "./support/authorization";
import { cheapProviders } from "./support/cheapProviders";
import { NGINX, PARTNER } from "./support/fixtures";
import { ProgramRun } from "./support/harness";
import { runComponent } from "./support/scenarios";

const SHOP = "shop";
const BILLING = "billing";
/** The partner API admits the whole shop namespace and billing's checkout service account; nginx stays open. */
const RESTRICTED = { ...PARTNER, allowedFrom: [{ namespace: SHOP }, { namespace: BILLING, serviceAccount: "checkout" }] };
const ARGS: EgressTlsOriginationArgs = { destinations: [NGINX, RESTRICTED], lockdown: { namespaces: [SHOP, BILLING, "marketing"] }, verify: true };
const GATEWAY: Workload = { namespace: "istio-system", labels: { istio: "egressgateway", app: "istio-egressgateway" } };
/** Another team's egress through the same gateway pods, on a Gateway object of its own. */
const UNROUTED_HOST = "api.other-team.example.com";

const identity = (namespace: string, serviceAccount: string) => `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
const CALLERS: { [caller: string]: string | undefined } = {
    "a listed namespace": identity(SHOP, "default"),
    "a listed service account": identity(BILLING, "checkout"),
    "another service account in that namespace": identity(BILLING, "reports"),
    "an unlisted namespace": identity("marketing", "default"),
    "no identity (no sidecar, plain text)": undefined,
};

/** A request as the gateway sees it after the ISTIO_MUTUAL hop: SNI from the gateway subset, Host as the client sent it. */
function atGateway(host: string, principal: string | undefined, extra: Partial<AuthzRequest> = {}): AuthzRequest {
    return { protocol: "http", port: 443, host, sni: host.replace(/:\d+$/, "").toLowerCase(), principal, method: "GET", path: "/", ...extra };
}

function declaredPolicies(run: ProgramRun): AuthorizationPolicy[] {
    return run.objectsOfKind("AuthorizationPolicy").map((r) => ({ metadata: r.inputs.metadata, spec: r.inputs.spec }));
}

describe("allowedFrom, enforced at the egress gateway", () => {
    let run: ProgramRun;
    let policies: AuthorizationPolicy[];
    before(async () => {
        run = await runComponent(ARGS, cheapProviders);
        policies = declaredPolicies(run);
    });

    it("declares one DENY policy, for the restricted destination only, at the gateway's pods in its namespace", () => {
        assert.deepStrictEqual(run.kubernetesObjects().filter((o) => o.startsWith("AuthorizationPolicy")), ["AuthorizationPolicy istio-system/allowed-callers-of-partner"]);
        const [policy] = run.objectsOfKind("AuthorizationPolicy");
        assert.strictEqual(policy.inputs.apiVersion, "security.istio.io/v1");
        assert.deepStrictEqual(policy.inputs.spec.selector, { matchLabels: { istio: "egressgateway" } });
        assert.strictEqual(policy.inputs.spec.action, "DENY");
    });

    it("is in force before the verify Job runs, which expects a 403 from the restricted destination and the page from the open one", () => {
        const [job] = run.objectsOfKind("Job");
        assert.ok(job.dependencies.includes(run.object("AuthorizationPolicy", "istio-system", "allowed-callers-of-partner").urn));
        const script: string = job.inputs.spec.template.spec.containers[0].command[2];
        assert.ok(script.includes(`check '${PARTNER.host}' '' 1 || failed=1`));
        assert.ok(script.includes(`check '${NGINX.host}' 'Welcome to nginx!' 0 || failed=1`));
    });

    describe("the matrix of callers and destinations, judged by Istio's documented semantics", () => {
        const expectations: [string, string, boolean][] = [];
        for (const caller of Object.keys(CALLERS)) {
            const admitted = caller === "a listed namespace" || caller === "a listed service account";
            expectations.push([caller, PARTNER.host, admitted], [caller, NGINX.host, true], [caller, UNROUTED_HOST, true]);
        }
        for (const [caller, host, expected] of expectations) {
            it(`${caller} → ${host === PARTNER.host ? "the restricted destination" : host === NGINX.host ? "the open destination" : "a host this stack does not route"}: ${expected ? "allowed" : "403"}`, () => {
                const decision = authorize(policies, GATEWAY, atGateway(host, CALLERS[caller]));
                assert.strictEqual(decision.allowed, expected, decision.reason);
            });
        }
    });

    it("refuses the restricted host whatever port or case the Host header carries", () => {
        for (const host of [`${PARTNER.host}:80`, `${PARTNER.host}:443`, PARTNER.host.toUpperCase()]) {
            assert.ok(!authorize(policies, GATEWAY, atGateway(host, CALLERS["an unlisted namespace"])).allowed, host);
            assert.ok(authorize(policies, GATEWAY, atGateway(host, CALLERS["a listed namespace"])).allowed, host);
        }
    });

    it("refuses the restricted host on a connection whose SNI names the open destination", () => {
        const request = atGateway(PARTNER.host, CALLERS["an unlisted namespace"], { sni: NGINX.host });
        assert.ok(!authorize(policies, GATEWAY, request).allowed);
    });

    it("leaves other teams' TCP and TLS-passthrough egress through the same gateway alone", () => {
        for (const principal of [undefined, CALLERS["an unlisted namespace"]]) {
            assert.ok(authorize(policies, GATEWAY, { protocol: "tcp", port: 443, sni: UNROUTED_HOST, principal }).allowed);
        }
        assert.ok(!authorize(policies, GATEWAY, { protocol: "tcp", port: 443, sni: PARTNER.host }).allowed, "TCP to the restricted host itself");
    });

    it("does not touch a workload that is not the gateway", () => {
        const sidecar: Workload = { namespace: "istio-system", labels: { app: "istiod" } };
        const app: Workload = { namespace: SHOP, labels: { app: "web" } };
        for (const workload of [sidecar, app]) {
            assert.deepStrictEqual(authorize(policies, workload, atGateway(PARTNER.host, undefined)), { allowed: true, reason: "no ALLOW policy" });
        }
    });

    it("declares no ALLOW policy, which would deny every request at the gateway that it does not match", () => {
        assert.deepStrictEqual(policies.map((p) => p.spec.action), ["DENY"]);
    });
});

describe("renderCallerPolicy", () => {
    const config = resolveConfig({ destinations: [NGINX, RESTRICTED], trustDomain: "corp.example", gateway: { selector: { app: "egress-gw" } } });
    const spec = renderCallerPolicy(config, config.destinations[1])!;

    it("puts notNamespaces and notPrincipals in one source, so they AND: denied only when neither admits the caller", () => {
        assert.deepStrictEqual(spec.rules, [{
            from: [{ source: { notNamespaces: [SHOP], notPrincipals: ["corp.example/ns/billing/sa/checkout"] } }],
            to: [{ operation: { hosts: [PARTNER.host, `${PARTNER.host}:*`] } }],
            when: [{ key: "connection.sni", values: [NGINX.host, PARTNER.host] }],
        }]);
        assert.deepStrictEqual(spec.selector, { matchLabels: { app: "egress-gw" } });
    });

    it("leaves out a not-field that has no entries", () => {
        const onlyAccounts = resolveConfig({ destinations: [{ ...PARTNER, allowedFrom: [{ namespace: BILLING, serviceAccount: "checkout" }] }] });
        assert.deepStrictEqual(renderCallerPolicy(onlyAccounts, onlyAccounts.destinations[0])!.rules![0].from, [{ source: { notPrincipals: ["cluster.local/ns/billing/sa/checkout"] } }]);
    });

    it("would refuse a listed service account if the not-fields were split into two rules (ORed)", () => {
        const [rule] = spec.rules!;
        const split = { ...spec, rules: [{ ...rule, from: [{ source: { notNamespaces: [SHOP] } }] }, { ...rule, from: [{ source: { notPrincipals: ["corp.example/ns/billing/sa/checkout"] } }] }] };
        const gateway = { namespace: "istio-system", labels: { app: "egress-gw" } };
        const checkout = atGateway(PARTNER.host, "corp.example/ns/billing/sa/checkout");
        assert.ok(!authorize([{ metadata: { namespace: "istio-system", name: "split" }, spec: split as AuthorizationPolicy["spec"] }], gateway, checkout).allowed);
        assert.ok(authorize([{ metadata: { namespace: "istio-system", name: "one" }, spec: spec as AuthorizationPolicy["spec"] }], gateway, checkout).allowed);
    });

    it("renders nothing for an open destination", () => {
        assert.strictEqual(renderCallerPolicy(config, config.destinations[0]), undefined);
    });

    it("uses security.istio.io/v1 with networking v1, and v1beta1 with older networking versions", () => {
        assert.deepStrictEqual(
            ["networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"].map(securityApiVersion),
            ["security.istio.io/v1", "security.istio.io/v1beta1", "security.istio.io/v1beta1"],
        );
    });

    it("lets a listed service account through even though its namespace is not listed whole, in a custom trust domain", () => {
        const policies = [{ metadata: { namespace: "istio-system", name: "p" }, spec: spec as AuthorizationPolicy["spec"] }];
        const gateway = { namespace: "istio-system", labels: { app: "egress-gw" } };
        assert.ok(authorize(policies, gateway, atGateway(PARTNER.host, "corp.example/ns/billing/sa/checkout")).allowed);
        assert.ok(!authorize(policies, gateway, atGateway(PARTNER.host, identity(BILLING, "checkout"))).allowed, "the same account in another trust domain");
    });
});

describe("check commands of a restricted destination", () => {
    it("curl from a listed namespace for the page, and from an unlisted one for the 403", () => {
        const config = resolveConfig({ destinations: [RESTRICTED] });
        const commands = renderCheckCommands(config, config.destinations[0]);
        assert.strictEqual(commands.request, `kubectl exec -n shop deploy/curl -c curl -- curl -sS http://${PARTNER.host}`);
        assert.strictEqual(commands.refusedRequest, `kubectl exec -n default deploy/curl -c curl -- curl -sS -o /dev/null -w '%{http_code}\\n' http://${PARTNER.host}`);
    });

    it("shows the refusal from a namespace of its own when default is listed", () => {
        const config = resolveConfig({ destinations: [{ ...PARTNER, allowedFrom: [{ namespace: "default" }, { namespace: "egress-tls-unlisted" }] }] });
        assert.match(renderCheckCommands(config, config.destinations[0]).refusedRequest!, /^kubectl exec -n egress-tls-unlisted-2 /);
    });

    it("has no refused request for an open destination", () => {
        const config = resolveConfig({ destinations: [NGINX] });
        assert.strictEqual(renderCheckCommands(config, config.destinations[0]).refusedRequest, undefined);
    });
});

describe("the warning when allowedFrom has no lockdown to back it", () => {
    async function warningsOf(args: EgressTlsOriginationArgs): Promise<string[]> {
        const warnings: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as { warn: typeof warn }).warn = async (message: string) => { warnings.push(message); };
        try {
            await runComponent(args, cheapProviders);
        } finally {
            (pulumi.log as { warn: typeof warn }).warn = warn;
        }
        return warnings;
    }

    it("warns once, naming every restricted destination", async () => {
        const other = { ...PARTNER, name: "bank", host: "api.bank.example.com", allowedFrom: [{ namespace: SHOP }] };
        const warnings = await warningsOf({ destinations: [NGINX, RESTRICTED, other] });
        assert.strictEqual(warnings.length, 1);
        assert.match(warnings[0], /allowedFrom on partner, bank is enforced only at the egress gateway, and lockdown is not set/);
        assert.match(warnings[0], /outboundTrafficPolicy REGISTRY_ONLY/);
    });

    it("is silent with lockdown, or without allowedFrom", async () => {
        assert.deepStrictEqual(await warningsOf(ARGS), []);
        assert.deepStrictEqual(await warningsOf({ destinations: [NGINX] }), []);
    });
});
