import * as assert from "assert";
import { authorize, AuthorizationPolicy, AuthzRequest, istioStringMatch, Workload } from "./support/authorization";

// The evaluator against the examples of Istio's own documentation. Unless a test says otherwise, the example is from
// the AuthorizationPolicy reference (istio.io docs/reference/config/security/authorization-policy, generated from
// istio/api security/v1beta1/authorization_policy.proto).

const policy = (namespace: string, name: string, spec: AuthorizationPolicy["spec"]): AuthorizationPolicy => ({ metadata: { namespace, name }, spec });
const httpbinIn = (namespace: string): Workload => ({ namespace, labels: { app: "httpbin" } });
const from = (namespace: string, serviceAccount = "default"): Pick<AuthzRequest, "principal"> => ({ principal: `cluster.local/ns/${namespace}/sa/${serviceAccount}` });
const get = (path = "/", extra: Partial<AuthzRequest> = {}): AuthzRequest => ({ protocol: "http", port: 8000, method: "GET", path, host: "httpbin", ...extra });
const allowed = (policies: AuthorizationPolicy[], workload: Workload, request: AuthzRequest) => authorize(policies, workload, request).allowed;

describe("the authorization evaluator, on Istio's documented examples", () => {
    it("ALLOW httpbin: sleep's principal or namespace test, GET /info* or POST /data, with a Google-issued JWT", () => {
        const httpbin = policy("foo", "httpbin", {
            action: "ALLOW",
            rules: [{
                from: [{ source: { principals: ["cluster.local/ns/default/sa/sleep"] } }, { source: { namespaces: ["test"] } }],
                to: [{ operation: { methods: ["GET"], paths: ["/info*"] } }, { operation: { methods: ["POST"], paths: ["/data"] } }],
                when: [{ key: "request.auth.claims[iss]", values: ["https://accounts.google.com"] }],
            }],
        });
        const google = { claims: { iss: "https://accounts.google.com", sub: "user" } };
        const workload = httpbinIn("foo");
        assert.ok(allowed([httpbin], workload, get("/info/a", { ...from("default", "sleep"), ...google })));
        assert.ok(allowed([httpbin], workload, get("/data", { ...from("test", "any"), ...google, method: "POST" })));
        assert.ok(!allowed([httpbin], workload, get("/data", { ...from("default", "sleep"), ...google })), "GET /data is neither operation");
        assert.ok(!allowed([httpbin], workload, get("/info", { ...from("default", "other"), ...google })), "another service account in default");
        assert.ok(!allowed([httpbin], workload, get("/info", from("default", "sleep"))), "no JWT");
        assert.ok(!allowed([httpbin], workload, get("/info", google)), "no peer identity");
    });

    it("DENY from namespace dev to POST, on every workload in foo", () => {
        const deny = policy("foo", "httpbin", { action: "DENY", rules: [{ from: [{ source: { namespaces: ["dev"] } }], to: [{ operation: { methods: ["POST"] } }] }] });
        assert.ok(!allowed([deny], httpbinIn("foo"), get("/", { ...from("dev"), method: "POST" })));
        assert.ok(allowed([deny], httpbinIn("foo"), get("/", from("dev"))), "GET from dev");
        assert.ok(allowed([deny], httpbinIn("foo"), get("/", { ...from("prod"), method: "POST" })), "POST from prod");
        assert.ok(allowed([deny], httpbinIn("bar"), get("/", { ...from("dev"), method: "POST" })), "a workload in another namespace");
    });

    it("DENY POST on port 8080 denies all TCP traffic on 8080: on TCP, missing attributes match in a DENY rule", () => {
        const deny = policy("foo", "httpbin", { action: "DENY", rules: [{ to: [{ operation: { methods: ["POST"], ports: ["8080"] } }] }] });
        assert.ok(!allowed([deny], httpbinIn("foo"), { protocol: "tcp", port: 8080 }));
        assert.ok(allowed([deny], httpbinIn("foo"), { protocol: "tcp", port: 9000 }));
        assert.ok(allowed([deny], httpbinIn("foo"), get("/", { port: 8080 })), "an HTTP GET on 8080");
    });

    it("TCP with HTTP-only fields: the ALLOW rule is ignored, the DENY rule denies (istio.io tasks/security/authorization/authz-tcp)", () => {
        const tcpEcho = { namespace: "foo", labels: { app: "tcp-echo" } };
        const tcpPolicy = (action: "ALLOW" | "DENY", operation: object) => policy("foo", "tcp-policy", { selector: { matchLabels: { app: "tcp-echo" } }, action, rules: [{ to: [{ operation }] }] });
        const tcp = (port: number): AuthzRequest => ({ protocol: "tcp", port, principal: "cluster.local/ns/foo/sa/sleep" });
        const ports = [tcpPolicy("ALLOW", { ports: ["9000", "9001"] })];
        assert.deepStrictEqual([9000, 9001, 9002].map((p) => allowed(ports, tcpEcho, tcp(p))), [true, true, false]);
        const allowGet = [tcpPolicy("ALLOW", { methods: ["GET"], ports: ["9000"] })];
        assert.deepStrictEqual([9000, 9001].map((p) => allowed(allowGet, tcpEcho, tcp(p))), [false, false]);
        const denyGet = [tcpPolicy("DENY", { methods: ["GET"] })];
        assert.deepStrictEqual([9000, 9001].map((p) => allowed(denyGet, tcpEcho, tcp(p))), [false, false]);
        const denyGet9000 = [tcpPolicy("DENY", { methods: ["GET"], ports: ["9000"] })];
        assert.deepStrictEqual([9000, 9001].map((p) => allowed(denyGet9000, tcpEcho, tcp(p))), [false, true]);
    });

    it("allow-nothing (spec {}) denies every request in its namespace; allow-all (rules [{}]) allows them", () => {
        const nothing = policy("foo", "allow-nothing", {});
        const all = policy("foo", "allow-all", { rules: [{}] });
        assert.deepStrictEqual(authorize([nothing], httpbinIn("foo"), get()), { allowed: false, reason: "no ALLOW policy matches" });
        assert.deepStrictEqual(authorize([all], httpbinIn("foo"), get()), { allowed: true, reason: "ALLOW by foo/allow-all" });
        assert.ok(allowed([nothing], httpbinIn("bar"), get()), "another namespace");
        assert.deepStrictEqual(authorize([], httpbinIn("foo"), get()), { allowed: true, reason: "no ALLOW policy" });
    });

    it("a selector limits the policy to the workloads holding its labels", () => {
        const nothing = policy("bar", "allow-nothing", { selector: { matchLabels: { app: "httpbin" } } });
        assert.ok(!allowed([nothing], httpbinIn("bar"), get()));
        assert.ok(allowed([nothing], { namespace: "bar", labels: { app: "productpage" } }, get()));
    });

    it("a policy in the root namespace applies to matching workloads in every namespace", () => {
        const nothing = policy("istio-system", "allow-nothing", { selector: { matchLabels: { version: "v1" } } });
        assert.ok(!allowed([nothing], { namespace: "foo", labels: { version: "v1" } }, get()));
        assert.ok(allowed([nothing], { namespace: "foo", labels: { version: "v2" } }, get()));
    });

    it("fields of a source are ANDed: principals admin or dev, and namespaces prod or test (the Source example)", () => {
        const allow = policy("foo", "source", { rules: [{ from: [{ source: { principals: ["admin", "dev"], namespaces: ["prod", "test"] } }] }] });
        const as = (principal: string) => allowed([allow], httpbinIn("foo"), get("/", { principal }));
        assert.ok(!as("admin"), "admin has no namespace in its identity");
        assert.ok(!as("cluster.local/ns/prod/sa/admin"), "a principal that is not listed, though in prod");
        const both = policy("foo", "both", { rules: [{ from: [{ source: { principals: ["cluster.local/ns/prod/sa/admin"], namespaces: ["prod", "test"] } }] }] });
        assert.ok(allowed([both], httpbinIn("foo"), get("/", from("prod", "admin"))));
        assert.ok(!allowed([both], httpbinIn("foo"), get("/", from("test", "admin"))));
    });

    it("string matches: exact, prefix, suffix and presence, as the Rule reference lists them", () => {
        assert.ok(istioStringMatch("abc", "abc") && !istioStringMatch("abc", "abcd"));
        assert.ok(istioStringMatch("abc*", "abc") && istioStringMatch("abc*", "abcd") && !istioStringMatch("abc*", "xabc"));
        assert.ok(istioStringMatch("*abc", "abc") && istioStringMatch("*abc", "xabc") && !istioStringMatch("*abc", "abcd"));
        assert.ok(istioStringMatch("*", "x") && !istioStringMatch("*", "") && !istioStringMatch("*", undefined));
    });

    it("DENY hosts [example.com, example.com:*] catches the host with any port, in any case (ops/best-practices/security, Writing Host Match Policies)", () => {
        const ingress = { namespace: "istio-system", labels: { app: "istio-ingressgateway" } };
        const hostPolicy = (hosts: string[]) => policy("istio-system", "ingress-host", {
            selector: { matchLabels: { app: "istio-ingressgateway" } }, action: "DENY", rules: [{ to: [{ operation: { hosts } }] }],
        });
        const both = hostPolicy(["example.com", "example.com:*"]);
        for (const host of ["example.com", "example.com:8080", "EXAMPLE.com"]) assert.ok(!allowed([both], ingress, get("/", { host })), host);
        assert.ok(allowed([both], ingress, get("/", { host: "example.org" })));
        assert.ok(allowed([hostPolicy(["example.com"])], ingress, get("/", { host: "example.com:8080" })), "the exact form alone misses host:port");
    });

    it("notPrincipals and notNamespaces match a request without a peer identity; principals and namespaces do not (authz model: NOT(authenticated))", () => {
        const denyOthers = policy("foo", "deny-others", { action: "DENY", rules: [{ from: [{ source: { notNamespaces: ["prod"] } }] }] });
        assert.ok(!allowed([denyOthers], httpbinIn("foo"), get()), "no identity is not in prod");
        assert.ok(allowed([denyOthers], httpbinIn("foo"), get("/", from("prod"))));
        const denyMtls = policy("foo", "deny-mtls", { action: "DENY", rules: [{ from: [{ source: { principals: ["*"] } }] }] });
        assert.ok(allowed([denyMtls], httpbinIn("foo"), get()), "presence needs an identity");
    });

    it("CUSTOM is asked first, and its refusal stands even where an ALLOW policy matches", () => {
        const custom = policy("istio-system", "ext-authz", {
            selector: { matchLabels: { app: "istio-ingressgateway" } }, action: "CUSTOM", provider: { name: "my-custom-authz" },
            rules: [{ to: [{ operation: { paths: ["/admin/*"] } }] }],
        });
        const allowAll = policy("istio-system", "allow-all", { rules: [{}] });
        const ingress = { namespace: "istio-system", labels: { app: "istio-ingressgateway" } };
        const mesh = { rootNamespace: "istio-system", customProviders: { "my-custom-authz": (r: AuthzRequest) => r.method === "GET" } };
        assert.deepStrictEqual(authorize([custom, allowAll], ingress, get("/admin/x", { method: "DELETE" }), mesh), { allowed: false, reason: "CUSTOM by istio-system/ext-authz" });
        assert.ok(authorize([custom, allowAll], ingress, get("/admin/x"), mesh).allowed);
        assert.ok(authorize([custom, allowAll], ingress, get("/public", { method: "DELETE" }), mesh).allowed, "outside the CUSTOM rules");
    });

    it("targetRefs to a Gateway: the policy applies to that Gateway's proxy in its namespace, and to nothing else (Istio's TestIngressToWaypoint deny-all-waypoint)", () => {
        const denyAll = policy("foo", "deny-all-waypoint", { targetRefs: [{ kind: "Gateway", group: "gateway.networking.k8s.io", name: "waypoint" }], action: "DENY", rules: [{}] });
        const waypoint = { namespace: "foo", labels: { "gateway.networking.k8s.io/gateway-name": "waypoint" }, gateway: "waypoint" };
        assert.ok(!authorize([denyAll], waypoint, get()).allowed);
        assert.ok(authorize([denyAll], { ...waypoint, namespace: "bar" }, get()).allowed, "a waypoint of the same name elsewhere");
        assert.ok(authorize([denyAll], httpbinIn("foo"), get()).allowed, "a workload of the namespace");
        const toService = policy("foo", "service", { targetRefs: [{ kind: "ServiceEntry", group: "networking.istio.io", name: "x" }] });
        assert.throws(() => authorize([toService], waypoint, get()), /targetRefs other than Gateways/);
    });

    it("refuses to judge what it does not model", () => {
        const withIp = policy("foo", "ip", { rules: [{ from: [{ source: { ipBlocks: ["10.0.0.0/8"] } }] }] });
        assert.throws(() => authorize([withIp], httpbinIn("foo"), get()), /ipBlocks/);
        const withTarget = policy("foo", "target", { targetRef: { kind: "Gateway", name: "gw" } });
        assert.throws(() => authorize([withTarget], httpbinIn("foo"), get()), /targetRef/);
    });
});
