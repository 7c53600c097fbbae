import * as assert from "assert";
import { ConfigError, EgressTlsOriginationArgs, resolveConfig } from "../components";
import { GATEWAY_TYPES } from "../components/config";
import { claimedNames } from "../components/naming";
import { authorize, AuthorizationPolicy, AuthzRequest, Workload } from "./support/authorization";
import { cheapProviders } from "./support/cheapProviders";
import { NGINX, PARTNER } from "./support/fixtures";
import { programRun, ProgramRun } from "./support/harness";
import { gatewayTypeArgs, runComponent } from "./support/scenarios";
import { CURL_CLIENTS, ISTIOCTL_GATEWAY, traceRequest } from "./support/trafficPath";

const CLIENTS = CURL_CLIENTS;

function refusal(args: EgressTlsOriginationArgs): ConfigError {
    try {
        resolveConfig(args);
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error;
    }
    return assert.fail("accepted");
}

describe("gateway.type in the config", () => {
    it("is istio by default, with the walkthrough's gateway", () => {
        const { gateway } = resolveConfig({ destinations: [NGINX] });
        assert.deepStrictEqual([gateway.type, gateway.namespace, gateway.name], ["istio", "istio-system", "istio-egressgateway"]);
    });

    it("gives gateway-api and waypoint their own defaults, and the pods' label Istio sets as the selector", () => {
        const gatewayApi = resolveConfig({ destinations: [NGINX], gateway: { type: "gateway-api" } }).gateway;
        assert.deepStrictEqual(gatewayApi, {
            type: "gateway-api", namespace: "istio-egress", name: "egress-gateway", deploy: false, chartVersion: "1.31.1",
            selector: { "gateway.networking.k8s.io/gateway-name": "egress-gateway" },
        });
        const waypoint = resolveConfig({ destinations: [PARTNER], gateway: { type: "waypoint", name: "egress" } }).gateway;
        assert.deepStrictEqual([waypoint.namespace, waypoint.name, waypoint.selector], ["istio-egress", "egress", { "gateway.networking.k8s.io/gateway-name": "egress" }]);
    });

    it("refuses an unknown type", () => {
        const error = refusal({ destinations: [NGINX], gateway: { type: "ambient" } });
        assert.deepStrictEqual([error.field, /not one of istio, gateway-api, waypoint/.test(error.message)], ["gateway.type", true]);
    });

    for (const type of ["gateway-api", "waypoint"]) {
        it(`refuses gateway.deploy and gateway.selector with ${type}, by name`, () => {
            assert.strictEqual(refusal({ destinations: [PARTNER], gateway: { type, deploy: false } }).field, "gateway.deploy");
            const error = refusal({ destinations: [PARTNER], gateway: { type, selector: { istio: "egressgateway" } } });
            assert.strictEqual(error.field, "gateway.selector");
            assert.match(error.message, /only applies to gateway.type "istio"/);
        });

        it(`creates the ${type} gateway's namespace, so refuses one that exists already`, () => {
            const error = refusal({ destinations: [PARTNER], gateway: { type, namespace: "istio-system" } });
            assert.deepStrictEqual([error.field, /system namespace/.test(error.message)], ["gateway.namespace", true]);
        });
    }

    it("refuses a waypoint server whose host is a Service name, which its ServiceEntry would clash with", () => {
        const error = refusal({ destinations: [NGINX], gateway: { type: "waypoint" } });
        assert.strictEqual(error.field, "destinations[0].host");
        assert.match(error.message, /in-cluster Service name.*such as "my-nginx.example.com"/);
        assert.doesNotThrow(() => resolveConfig({ destinations: [{ ...NGINX, host: "nginx.example.com" }], gateway: { type: "waypoint" } }));
    });
});

describe("GET http://<host>/ followed through the declared objects alone, for each gateway type", () => {
    const runs = new Map<string, Promise<ProgramRun>>();
    const runOf = (type: string) => {
        if (!runs.has(type)) runs.set(type, runComponent(gatewayTypeArgs(type), cheapProviders));
        return runs.get(type)!;
    };
    const trace = async (type: string, host: string) => traceRequest(await runOf(type), CLIENTS[type], host, ISTIOCTL_GATEWAY);

    for (const type of GATEWAY_TYPES) {
        describe(type, () => {
            const config = resolveConfig(gatewayTypeArgs(type));
            for (const destination of config.destinations) {
                it(`${destination.name} (${destination.mode}, ${destination.server ? "in-cluster server" : "outside host"}) reaches the gateway's origination rule and credential`, async () => {
                    const path = await trace(type, destination.host);
                    assert.strictEqual(path.gatewayNamespace, config.gateway.namespace, path.hops.join("\n"));
                    // None of these destinations lists subjectAltNames: the rule accepts the host alone.
                    assert.deepStrictEqual(path.tls, {
                        mode: destination.mode, credentialName: destination.credentialName, sni: destination.host, subjectAltNames: [destination.host],
                    });
                    const { server } = destination;
                    const upstreamHost = server ? `${server.name}.${server.namespace}.svc.cluster.local` : destination.host;
                    assert.deepStrictEqual(path.upstream, { host: upstreamHost, port: destination.port });
                    const keys = Object.keys(path.credentialSecret.inputs.stringData).sort();
                    assert.deepStrictEqual(keys, destination.mode === "MUTUAL" ? ["ca.crt", "tls.crt", "tls.key"] : ["ca.crt"]);
                });
            }
        });
    }

    describe("breaks where an object is missing", () => {
        const without = async (type: string, drop: (kind: string, name: string) => boolean) => {
            const run = await runOf(type);
            return programRun(run.registrations.filter((r) => !drop(r.inputs?.kind, r.inputs?.metadata?.name ?? "")));
        };

        it("gateway-api: MUTUAL without the RoleBinding that lets <name>-istio list Secrets", async () => {
            const run = await without("gateway-api", (kind) => kind === "RoleBinding");
            assert.throws(() => traceRequest(run, CLIENTS["gateway-api"], "billing.payments.svc.cluster.local"), /istio-egress\/egress-gateway-istio may not list Secrets/);
            assert.doesNotThrow(() => traceRequest(run, CLIENTS["gateway-api"], NGINX.host), "SIMPLE reads the -cacert Secret, which istiod serves without the check");
        });

        it("gateway-api: an in-cluster server without its ReferenceGrant", async () => {
            const run = await without("gateway-api", (kind) => kind === "ReferenceGrant");
            assert.throws(() => traceRequest(run, CLIENTS["gateway-api"], NGINX.host), /no ReferenceGrant in mesh-external/);
        });

        it("gateway-api and istio: without the gateway subset", async () => {
            for (const type of ["gateway-api", "istio"]) {
                const run = await without(type, (kind, name) => kind === "DestinationRule" && name.startsWith("egressgateway-for-"));
                assert.throws(() => traceRequest(run, CLIENTS[type], PARTNER.host, ISTIOCTL_GATEWAY), /defines subset partner/);
            }
        });

        it("waypoint: without the origination rule, or from a sidecar client, which does not follow istio.io/use-waypoint", async () => {
            const run = await without("waypoint", (_kind, name) => name.startsWith("originate-tls-for-"));
            assert.throws(() => traceRequest(run, CLIENTS.waypoint, PARTNER.host), /no DestinationRule for api.partner.example.org/);
            const complete = await runOf("waypoint");
            assert.throws(() => traceRequest(complete, CLIENTS.istio, PARTNER.host), /no VirtualService for api.partner.example.org/);
        });

        it("waypoint: with a listener that does not admit the routing namespace (no allowedRoutes, as before, or a Selector for another)", async () => {
            const withListener = async (allowedRoutes: object | undefined) => {
                const run = await runOf("waypoint");
                return programRun(run.registrations.map((r) => r.inputs?.kind !== "Gateway" ? r : {
                    ...r, inputs: { ...r.inputs, spec: { ...r.inputs.spec, listeners: [{ name: "mesh", port: 15008, protocol: "HBONE", allowedRoutes }] } },
                }));
            };
            const denied = /waypoint istio-egress\/waypoint does not accept ServiceEntry default\/partner-external: .* \(WaypointAttachmentDenied\)/;
            const unlisted = await withListener(undefined);
            assert.throws(() => traceRequest(unlisted, CLIENTS.waypoint, PARTNER.host), denied);
            const elsewhere = await withListener({ namespaces: { from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": "istio-egress" } } } });
            assert.throws(() => traceRequest(elsewhere, CLIENTS.waypoint, PARTNER.host), denied);
            const open = await withListener({ namespaces: { from: "All" } });
            assert.doesNotThrow(() => traceRequest(open, CLIENTS.waypoint, PARTNER.host));
        });

        it("istio: without istioctl's gateway to run the Gateway object", async () => {
            const complete = await runOf("istio");
            assert.throws(() => traceRequest(complete, CLIENTS.istio, PARTNER.host), /nothing runs istio-egressgateway.istio-system/);
        });
    });
});

describe("allowedFrom at each gateway type, judged by Istio's documented authorization semantics", () => {
    // The partner API admits namespace shop and billing's checkout account; nginx stays open.
    const restricted = { ...PARTNER, allowedFrom: [{ namespace: "shop" }, { namespace: "billing", serviceAccount: "checkout" }] };
    const identity = (namespace: string, serviceAccount = "default") => `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
    const cases: { type: string; nginxHost: string; proxy: Workload; request: (host: string, principal?: string) => AuthzRequest }[] = [
        {
            type: "gateway-api",
            nginxHost: NGINX.host,
            // Istio's `<name>-istio` pods: the Gateway's, labelled with its name; the sidecar's SNI is the host (its subset's).
            proxy: { namespace: "istio-egress", labels: { "gateway.networking.k8s.io/gateway-name": "egress-gateway" }, gateway: "egress-gateway" },
            request: (host, principal) => ({ protocol: "http", port: 443, host, sni: host, principal, method: "GET", path: "/" }),
        },
        {
            type: "waypoint",
            nginxHost: "my-nginx.example.com",
            // ztunnel's HBONE carries the client's identity and the plain request: no SNI of its own.
            proxy: { namespace: "istio-egress", labels: { "gateway.networking.k8s.io/gateway-name": "waypoint" }, gateway: "waypoint" },
            request: (host, principal) => ({ protocol: "http", port: 80, host, principal, method: "GET", path: "/" }),
        },
    ];
    for (const { type, nginxHost, proxy, request } of cases) {
        it(`${type}: listed callers reach the restricted host, others get 403, the open host stays open`, async () => {
            const run = await runComponent({ destinations: [{ ...NGINX, host: nginxHost }, restricted], gateway: { type } }, cheapProviders);
            const policies: AuthorizationPolicy[] = run.objectsOfKind("AuthorizationPolicy").map((r) => ({ metadata: r.inputs.metadata, spec: r.inputs.spec }));
            assert.strictEqual(policies.length, 1);
            const decide = (host: string, principal?: string) => authorize(policies, proxy, request(host, principal)).allowed;
            assert.deepStrictEqual(
                [decide(PARTNER.host, identity("shop")), decide(PARTNER.host, identity("billing", "checkout")), decide(`${PARTNER.host}:80`, identity("shop"))],
                [true, true, true]);
            assert.deepStrictEqual(
                [decide(PARTNER.host, identity("billing", "reports")), decide(PARTNER.host, identity("marketing")), decide(PARTNER.host)],
                [false, false, false]);
            assert.ok(decide(nginxHost, identity("marketing")), "the open destination");
        });
    }

    it("waypoint: the policy names the waypoint's Gateway, which a waypoint honours, instead of a selector", async () => {
        const run = await runComponent({ destinations: [restricted], gateway: { type: "waypoint" } }, cheapProviders);
        const { spec, metadata } = run.object("AuthorizationPolicy", "istio-egress", "allowed-callers-of-partner").inputs;
        assert.deepStrictEqual([spec.selector, spec.targetRefs, spec.rules[0].when], [undefined, [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }], undefined]);
        assert.strictEqual(metadata.namespace, "istio-egress");
    });
});

describe("make-before-break for the Gateway API and waypoint types", () => {
    // What carries the mesh's traffic for a host is created last, once everything it leads to exists.
    const waitsFor = (run: ProgramRun, dependent: string[], dependency: string[]) => {
        const [kind, namespace, name] = dependent;
        const [depKind, depNamespace, depName] = dependency;
        const found = run.waitsFor(run.object(kind, namespace, name)).has(run.object(depKind, depNamespace, depName).urn);
        assert.ok(found, `${dependent.join(" ")} does not wait for ${dependency.join(" ")}`);
    };

    it("gateway-api: the mesh VirtualService waits for its HTTPRoute (and so the Gateway, ServiceEntry or ReferenceGrant, origination rule, credential and Role) and its subset", async () => {
        const run = await runComponent(gatewayTypeArgs("gateway-api"), cheapProviders);
        const route = ["VirtualService", "default", "direct-billing-to-egress-gateway"];
        for (const dependency of [
            ["HTTPRoute", "istio-egress", "forward-billing-from-egress-gateway"], ["Gateway", "istio-egress", "egress-gateway"],
            ["ReferenceGrant", "payments", "billing-reference-grant"], ["DestinationRule", "istio-egress", "originate-tls-for-billing"],
            ["Secret", "istio-egress", "client-credential-billing"], ["RoleBinding", "istio-egress", "egress-gateway-istio-sds"],
            ["DestinationRule", "istio-egress", "egressgateway-for-billing"], ["Namespace", undefined, "istio-egress"],
        ]) waitsFor(run, route, dependency as string[]);
        waitsFor(run, ["VirtualService", "default", "direct-partner-to-egress-gateway"], ["ServiceEntry", "default", "partner-external"]);
    });

    it("waypoint: the ServiceEntry that binds the host to the waypoint waits for the waypoint, the origination rule, the credential and the Role", async () => {
        const run = await runComponent(gatewayTypeArgs("waypoint"), cheapProviders);
        for (const dependency of [
            ["Gateway", "istio-egress", "waypoint"], ["DestinationRule", "istio-egress", "originate-tls-for-billing"],
            ["Secret", "istio-egress", "client-credential-billing"], ["RoleBinding", "istio-egress", "waypoint-sds"],
        ]) waitsFor(run, ["ServiceEntry", "default", "billing-external"], dependency);
    });
});

describe("the names each gateway type claims", () => {
    for (const type of ["gateway-api", "waypoint"]) {
        it(`${type}: every Kubernetes object the instance declares is claimed (so the in-program check and the e2e guard miss none)`, async () => {
            const args = { ...gatewayTypeArgs(type), verify: true, lockdown: { namespaces: ["apps"] } };
            const run = await runComponent(args, cheapProviders);
            const claimed = new Set(claimedNames(resolveConfig(args)).map((c) => c.claim));
            assert.deepStrictEqual(run.kubernetesObjects().filter((o) => !claimed.has(o)), []);
        });
    }
});
