import * as assert from "assert";
import { generateKeyPairSync } from "crypto";
import { ConfigError, EgressTlsOrigination, EgressTlsOriginationArgs, resolveConfig } from "../components";
import { readStackConfig } from "../components/stackConfig";
import { allPaths, Path } from "./support/configPaths";
import { runProgram } from "./support/harness";
import { multiDestinationArgs, NGINX, OUTSIDE_CA_PEM, PARTNER } from "./support/fixtures";

function args(overrides: Partial<EgressTlsOriginationArgs>): EgressTlsOriginationArgs {
    return { destinations: [NGINX], ...overrides };
}

/** The refusal each bad input must get: the field it names and words from the explanation. */
const BAD_INPUTS: [string, unknown, string, RegExp][] = [
    ["no destinations", { destinations: [] }, "destinations", /at least one/],
    ["destinations missing", {}, "destinations", /required/],
    ["destinations not a list", { destinations: NGINX }, "destinations", /list/],
    ["duplicate names", { destinations: [NGINX, { ...PARTNER, name: "nginx" }] }, "destinations[1].name", /already used by destinations\[0\]/],
    ["duplicate hosts", { destinations: [PARTNER, { ...PARTNER, name: "other", credentialName: "other" }] }, "destinations[1].host", /already used/],
    ["name not a DNS-1123 label", { destinations: [{ ...PARTNER, name: "Partner_API" }] }, "destinations[0].name", /DNS-1123 label/],
    ["name too long", { destinations: [{ ...PARTNER, name: "a".repeat(64) }] }, "destinations[0].name", /DNS-1123 label/],
    ["host not a DNS name", { destinations: [{ ...PARTNER, host: "https://api.partner.example.org" }] }, "destinations[0].host", /not a DNS name/],
    ["host missing", { destinations: [{ name: "partner", caCertPem: OUTSIDE_CA_PEM }] }, "destinations[0].host", /required/],
    ["port 0", { destinations: [{ ...PARTNER, port: 0 }] }, "destinations[0].port", /from 1 to 65535/],
    ["port 65536", { destinations: [{ ...PARTNER, port: 65536 }] }, "destinations[0].port", /from 1 to 65535/],
    ["port as text", { destinations: [{ ...PARTNER, port: "443" }] }, "destinations[0].port", /whole number/],
    ["port 80", { destinations: [{ ...PARTNER, port: 80 }] }, "destinations[0].port", /mesh-side plain-HTTP port/],
    ["unknown mode", { destinations: [{ ...PARTNER, mode: "ISTIO_MUTUAL" }] }, "destinations[0].mode", /not one of SIMPLE, MUTUAL/],
    ["lower-case mode", { destinations: [{ ...PARTNER, mode: "simple" }] }, "destinations[0].mode", /not one of/],
    ["credential starting with istio-", { destinations: [{ ...PARTNER, credentialName: "istio-partner" }] }, "destinations[0].credentialName", /claims Secret "istio-partner", which starts with "istio": Istio's own Secrets/],
    ["credential starting with istio, no dash", { destinations: [{ ...PARTNER, credentialName: "istiopartner" }] }, "destinations[0].credentialName", /starts with "istio"/],
    ["credential starting with istio.", { destinations: [{ ...PARTNER, credentialName: "istio.default" }] }, "destinations[0].credentialName", /starts with "istio"/],
    ["credential istiod's self-signed CA", { destinations: [{ ...PARTNER, mode: "MUTUAL", credentialName: "istio-ca-secret" }] }, "destinations[0].credentialName", /claims Secret "istio-ca-secret"/],
    ["credential starting with prometheus-", { destinations: [{ ...PARTNER, credentialName: "prometheus-x" }] }, "destinations[0].credentialName", /starts with "prometheus": Istio's docs say a credential's name must not/],
    ["credential starting with prometheus, no dash", { destinations: [{ ...PARTNER, credentialName: "prometheuscreds" }] }, "destinations[0].credentialName", /starts with "prometheus"/],
    ["MUTUAL credential cacerts (istiod's plug-in CA)", { destinations: [{ ...PARTNER, mode: "MUTUAL", credentialName: "cacerts" }] }, "destinations[0].credentialName", /claims Secret "cacerts", which is istiod's plug-in CA Secret/],
    ["SIMPLE credential cacerts", { destinations: [{ ...PARTNER, credentialName: "cacerts" }] }, "destinations[0].credentialName", /istiod's plug-in CA/],
    ["credential a Helm release record", { destinations: [{ ...PARTNER, credentialName: "sh.helm.release.v1.istio-egressgateway.v1" }] }, "destinations[0].credentialName", /starts with "sh.helm.release.v1.": Helm stores its release revisions/],
    ["outside host an IPv4 address", { destinations: [{ ...PARTNER, host: "203.0.113.7" }] }, "destinations[0].host", /is an IP address; TLS names the server by SNI, which carries only DNS names \(RFC 6066\), so use the DNS name/],
    ["outside host an IPv6 address", { destinations: [{ ...PARTNER, host: "2001:db8::1" }] }, "destinations[0].host", /is an IP address.*RFC 6066/],
    ["outside host a bracketed IPv6 address", { destinations: [{ ...PARTNER, host: "[::1]" }] }, "destinations[0].host", /is an IP address/],
    ["in-cluster host an IP address", { destinations: [{ ...NGINX, host: "10.96.0.10" }] }, "destinations[0].host", /is an IP address/],
    ["outside host of one label", { destinations: [{ ...PARTNER, host: "nginx" }] }, "destinations[0].host", /"nginx" has one label; Istio would expand it/],
    ["outside host localhost", { destinations: [{ ...PARTNER, host: "localhost" }] }, "destinations[0].host", /has one label/],
    ["outside host under localhost", { destinations: [{ ...PARTNER, host: "api.localhost" }] }, "destinations[0].host", /loopback/],
    ["outside host ending in a number", { destinations: [{ ...PARTNER, host: "api.partner.123" }] }, "destinations[0].host", /ends in a numeric label/],
    ["outside host the Kubernetes API", { destinations: [{ ...PARTNER, host: "kubernetes.default.svc.cluster.local" }] }, "destinations[0].host", /is a cluster-domain name; an in-cluster destination needs server/],
    ["outside host istiod", { destinations: [{ ...PARTNER, host: "istiod.istio-system.svc.cluster.local" }] }, "destinations[0].host", /cluster-domain name/],
    ["outside host a Service under a custom cluster domain", { destinations: [{ ...PARTNER, host: "billing.payments.svc.corp.internal" }] }, "destinations[0].host", /cluster-domain name/],
    ["outside host a short Service name", { destinations: [{ ...PARTNER, host: "billing.payments.svc" }] }, "destinations[0].host", /cluster-domain name/],
    ["subjectAltName wildcard over a top-level domain", { destinations: [{ ...PARTNER, subjectAltNames: ["api.partner.example.org", "*.com"] }] }, "destinations[0].subjectAltNames[1]", /"\*\.com" is a wildcard over a whole top-level domain/],
    ["subjectAltName wildcard over every Service", { destinations: [{ ...NGINX, subjectAltNames: ["*.svc.cluster.local"] }] }, "destinations[0].subjectAltNames[0]", /wildcard over a whole cluster domain/],
    ["subjectAltName wildcard over the cluster domain", { destinations: [{ ...NGINX, subjectAltNames: ["*.cluster.local"] }] }, "destinations[0].subjectAltNames[0]", /whole cluster domain/],
    ["subjectAltName wildcard over a custom cluster domain's Services", { destinations: [{ ...NGINX, subjectAltNames: ["*.svc.corp.internal"] }] }, "destinations[0].subjectAltNames[0]", /whole cluster domain/],
    ["subjectAltName an IP address", { destinations: [{ ...PARTNER, subjectAltNames: ["192.0.2.1"] }] }, "destinations[0].subjectAltNames[0]", /is an IP address/],
    ["server image without a tag", { destinations: [{ ...NGINX, server: { ...NGINX.server!, image: "nginx" } }] }, "destinations[0].server.image", /"nginx" has no tag or digest/],
    ["server image tagged latest", { destinations: [{ ...NGINX, server: { ...NGINX.server!, image: "nginx:latest" } }] }, "destinations[0].server.image", /"nginx:latest" is tagged latest, which moves/],
    ["server image from a registry with a port, untagged", { destinations: [{ ...NGINX, server: { ...NGINX.server!, image: "registry.local:5000/nginx" } }] }, "destinations[0].server.image", /has no tag or digest/],
    ["gateway chart version a range", { gateway: { chartVersion: ">=1.0.0" } }, "gateway.chartVersion", /">=1.0.0" is not an exact chart version/],
    ["gateway chart version a wildcard", { gateway: { chartVersion: "*" } }, "gateway.chartVersion", /not an exact chart version/],
    ["gateway chart version a tilde range", { gateway: { chartVersion: "~1.28.0" } }, "gateway.chartVersion", /not an exact chart version/],
    ["gateway chart version without patch", { gateway: { chartVersion: "1.28" } }, "gateway.chartVersion", /not an exact chart version/],
    ["lockdown of kube-system", { lockdown: { namespaces: ["apps", "kube-system"] } }, "lockdown.namespaces[1]", /"kube-system" must not be locked down: it is kube-system: CoreDNS/],
    ["lockdown of the control plane", { lockdown: { namespaces: ["istiod-ns"], controlPlaneNamespace: "istiod-ns" }, gateway: { namespace: "egress" } }, "lockdown.namespaces[0]", /it is lockdown.controlPlaneNamespace: istiod would lose/],
    ["lockdown of the gateway's namespace", { lockdown: { namespaces: ["egress"] }, gateway: { namespace: "egress" } }, "lockdown.namespaces[0]", /it is gateway.namespace: the egress gateway itself would be cut off/],
    ["lockdown of istio-system by default", { lockdown: { namespaces: ["istio-system"] } }, "lockdown.namespaces[0]", /must not be locked down/],
    ["credential not a Secret name", { destinations: [{ ...PARTNER, credentialName: "Client Credential" }] }, "destinations[0].credentialName", /not a DNS name/],
    ["two destinations, one credential", { destinations: [NGINX, { ...PARTNER, credentialName: "client-credential" }] }, "destinations[1].credentialName", /already uses/],
    ["a MUTUAL credential named like a SIMPLE one's secret", { destinations: [NGINX, { ...PARTNER, mode: "MUTUAL", credentialName: "client-credential-cacert" }] }, "destinations[1].credentialName", /claims secret "client-credential-cacert"/],
    ["caCertPem not PEM", { destinations: [{ ...PARTNER, caCertPem: "MIIBuTCCAV+gAwIBAgIU" }] }, "destinations[0].caCertPem", /not a PEM certificate/],
    ["caCertPem a private key", { destinations: [{ ...PARTNER, caCertPem: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n" }] }, "destinations[0].caCertPem", /is a private key .*, not a CERTIFICATE/],
    ["caCertPem corrupt", { destinations: [{ ...PARTNER, caCertPem: OUTSIDE_CA_PEM.replace("MIIBuTCC", "MIIBuTCD") }] }, "destinations[0].caCertPem", /not an X.509 certificate/],
    ["outside host without caCertPem", { destinations: [{ name: "partner", host: "api.partner.example.org" }] }, "destinations[0].caCertPem", /required for an outside host/],
    ["caCertPem with a server", { destinations: [{ ...NGINX, caCertPem: OUTSIDE_CA_PEM }] }, "destinations[0].caCertPem", /not allowed with server/],
    ["server that does not serve the host", { destinations: [{ ...NGINX, host: "nginx.example.com" }] }, "destinations[0].host", /not the in-cluster name of server mesh-external\/my-nginx/],
    ["server name starting with a digit", { destinations: [{ ...NGINX, host: "0nginx.mesh-external.svc.cluster.local", server: { namespace: "mesh-external", name: "0nginx" } }] }, "destinations[0].server.name", /must start with a letter/],
    ["one server for two destinations", { destinations: [NGINX, { ...NGINX, name: "again", host: "my-nginx.mesh-external.svc.corp.internal", credentialName: "again" }] }, "destinations[1].server.name", /server "mesh-external\/my-nginx" is already used by destinations\[0\]/],
    ["bad server namespace", { destinations: [{ ...NGINX, server: { namespace: "Mesh_External", name: "my-nginx" } }] }, "destinations[0].server.namespace", /DNS-1123 label/],
    ["server in the gateway's namespace", { destinations: [{ ...NGINX, host: "my-nginx.istio-system.svc.cluster.local", server: { namespace: "istio-system", name: "my-nginx" } }] }, "destinations[0].server.namespace", /also gateway.namespace/],
    ["server in kube-system", { destinations: [{ ...NGINX, host: "my-nginx.kube-system.svc.cluster.local", server: { namespace: "kube-system", name: "my-nginx" } }] }, "destinations[0].server.namespace", /system namespace/],
    ["server in the routing namespace", { routingNamespace: "mesh-external" }, "destinations[0].server.namespace", /also routingNamespace/],
    ["bad gateway namespace", { gateway: { namespace: "istio system" } }, "gateway.namespace", /DNS-1123 label/],
    ["empty gateway selector", { gateway: { selector: {} } }, "gateway.selector", /non-empty/],
    ["bad selector value", { gateway: { selector: { istio: "egress gateway" } } }, "gateway.selector.istio", /not a label value/],
    ["bad routing namespace", { routingNamespace: "-default" }, "routingNamespace", /DNS-1123 label/],
    ["unknown Istio API version", { istioApiVersion: "networking.istio.io/v2" }, "istioApiVersion", /not one of networking.istio.io\/v1, /],
    ["unsupported key algorithm", { ca: { algorithm: "ED25519" } }, "ca.algorithm", /not one of RSA, ECDSA/],
    ["weak RSA key", { ca: { rsaBits: 1024 } }, "ca.rsaBits", /not one of 2048, 3072, 4096/],
    ["early renewal beyond validity", { ca: { validityHours: 24, earlyRenewalHours: 24 } }, "ca.earlyRenewalHours", /from 0 to 23/],
    ["empty CA common name", { ca: { commonName: "" } }, "ca.commonName", /must not be empty/],
    ["no CA generation", { ca: { generations: [] } }, "ca.generations", /at least one generation/],
    ["a CA generation twice", { ca: { generations: ["1", "2", "1"] } }, "ca.generations[2]", /generation "1" is already used by ca.generations\[0\]/],
    ["a CA generation that is no DNS label", { ca: { generations: ["1", "Gen 2"] } }, "ca.generations[1]", /DNS-1123 label/],
    ["an issuer outside the generations", { ca: { generations: ["1", "2"], issuer: "3" } }, "ca.issuer", /"3" is not one of ca.generations \(1, 2\)/],
    ["the removed ca.rotation", { ca: { rotation: "2" } }, "ca.rotation", /was removed: .*ca.generations.*docs\/upgrading.md/],
    ["misspelt field", { destinations: [{ ...PARTNER, credentialNme: "x" }] }, "destinations[0].credentialNme", /unknown field/],
    ["misspelt top-level field", { destination: [NGINX] }, "destination", /unknown field/],
    ["lockdown without namespaces", { lockdown: { namespaces: [] } }, "lockdown.namespaces", /at least one/],
    ["verify namespace clashing with a server's", { verify: true, verifyNamespace: "mesh-external" }, "verifyNamespace", /also destinations\[0\].server.namespace/],
    ["deployed gateway in istio-system", { gateway: { deploy: true } }, "gateway.namespace", /system namespace/],
    ["empty allowedFrom", { destinations: [{ ...PARTNER, allowedFrom: [] }] }, "destinations[0].allowedFrom", /at least one caller/],
    ["allowedFrom not a list", { destinations: [{ ...PARTNER, allowedFrom: { namespace: "shop" } }] }, "destinations[0].allowedFrom", /list/],
    ["allowedFrom namespace not a DNS label", { destinations: [{ ...PARTNER, allowedFrom: [{ namespace: "Shop_Front" }] }] }, "destinations[0].allowedFrom[0].namespace", /DNS-1123 label/],
    ["allowedFrom namespace missing", { destinations: [{ ...PARTNER, allowedFrom: [{ serviceAccount: "checkout" }] }] }, "destinations[0].allowedFrom[0].namespace", /required/],
    ["allowedFrom service account not a name", { destinations: [{ ...PARTNER, allowedFrom: [{ namespace: "shop", serviceAccount: "check out" }] }] }, "destinations[0].allowedFrom[0].serviceAccount", /not a DNS name/],
    ["allowedFrom duplicate namespace", { destinations: [{ ...PARTNER, allowedFrom: [{ namespace: "shop" }, { namespace: "shop" }] }] }, "destinations[0].allowedFrom[1]", /caller "shop\/\*" is already used by destinations\[0\].allowedFrom\[0\]/],
    ["allowedFrom duplicate service account", { destinations: [{ ...PARTNER, allowedFrom: [{ namespace: "shop", serviceAccount: "a" }, { namespace: "shop", serviceAccount: "a" }] }] }, "destinations[0].allowedFrom[1]", /already used/],
    ["allowedFrom service account of a namespace listed whole", { destinations: [{ ...PARTNER, allowedFrom: [{ namespace: "shop", serviceAccount: "a" }, { namespace: "shop" }] }] }, "destinations[0].allowedFrom[0].serviceAccount", /adds nothing: destinations\[0\].allowedFrom\[1\] already admits/],
    ["allowedFrom misspelt field", { destinations: [{ ...PARTNER, allowedFrom: [{ namespace: "shop", serviceAcount: "a" }] }] }, "destinations[0].allowedFrom[0].serviceAcount", /unknown field/],
    ["trust domain not a DNS name", { trustDomain: "spiffe://cluster.local" }, "trustDomain", /not a DNS name/],
    // istio/istio#57354: the schema the bundled Helm accepts came with 1.25.5, 1.26.4 and 1.27.1.
    ["gateway chart 1.24.6, whose schema the bundled Helm refuses", { gateway: { chartVersion: "1.24.6" } }, "gateway.chartVersion", /use 1\.25\.5 or newer/],
    ["gateway chart 1.25.4", { gateway: { chartVersion: "1.25.4" } }, "gateway.chartVersion", /istio\/istio#57354\); use 1\.25\.5/],
    ["gateway chart 1.26.3", { gateway: { chartVersion: "1.26.3" } }, "gateway.chartVersion", /use 1\.26\.4/],
    ["gateway chart 1.27.0", { gateway: { chartVersion: "1.27.0" } }, "gateway.chartVersion", /use 1\.27\.1/],
];

describe("config validation", () => {
    for (const [what, input, field, explanation] of BAD_INPUTS) {
        it(`refuses ${what}, naming ${field}`, () => {
            const effective = "destinations" in (input as object) || what === "destinations missing" ? input : args(input as object);
            assert.throws(() => resolveConfig(effective as EgressTlsOriginationArgs), (error: unknown) => {
                assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
                assert.strictEqual(error.field, field);
                assert.match(error.message, explanation);
                assert.ok(error.message.includes(field), "the message names the field");
                return true;
            });
        });
    }

    it("throws before registering anything, the component included", async () => {
        let refusal: unknown;
        const run = await runProgram(() => {
            try {
                new EgressTlsOrigination("egress-tls", { destinations: [{ ...PARTNER, port: 0 }] });
            } catch (error) {
                refusal = error;
            }
        });
        assert.ok(refusal instanceof ConfigError);
        assert.deepStrictEqual(run.registrations, []);
    });

    it("applies the walkthrough's defaults", () => {
        const config = resolveConfig({ destinations: [{ name: "nginx", host: NGINX.host, server: NGINX.server }] });
        const [destination] = config.destinations;
        assert.deepStrictEqual(
            { port: destination.port, mode: destination.mode, credentialName: destination.credentialName, image: destination.server?.image },
            { port: 443, mode: "SIMPLE", credentialName: "client-credential-nginx", image: "nginxinc/nginx-unprivileged:1.27.3-alpine" },
        );
        assert.deepStrictEqual(config.gateway, { type: "istio", namespace: "istio-system", name: "istio-egressgateway", selector: { istio: "egressgateway" }, deploy: false, chartVersion: "1.31.1" });
        assert.strictEqual(config.routingNamespace, "default");
        assert.strictEqual(config.istioApiVersion, "networking.istio.io/v1");
        assert.deepStrictEqual(config.ca, {
            organization: "example Inc.", commonName: "example.com", algorithm: "RSA", rsaBits: 2048, ecdsaCurve: "P256",
            validityHours: 8760, earlyRenewalHours: 720, generations: ["1"], issuer: "1",
        });
        assert.strictEqual(config.lockdown, undefined);
        assert.strictEqual(config.verify, false);
        assert.strictEqual(config.trustDomain, "cluster.local");
        assert.strictEqual(destination.allowedFrom, undefined, "no allowedFrom: open to the whole mesh");
    });

    it("keeps allowedFrom as given: whole namespaces and single service accounts", () => {
        const allowedFrom = [{ namespace: "shop" }, { namespace: "payments", serviceAccount: "checkout" }];
        const config = resolveConfig(args({ destinations: [{ ...PARTNER, allowedFrom }], trustDomain: "corp.example" }));
        assert.deepStrictEqual(config.destinations[0].allowedFrom, allowedFrom);
        assert.strictEqual(config.trustDomain, "corp.example");
    });

    it("takes the last CA generation as the issuer by default", () => {
        assert.deepStrictEqual(resolveConfig(args({ ca: { generations: ["2026", "2027"] } })).ca, { ...resolveConfig(args({})).ca, generations: ["2026", "2027"], issuer: "2027" });
        assert.strictEqual(resolveConfig(args({ ca: { generations: ["2026", "2027"], issuer: "2026" } })).ca.issuer, "2026");
    });

    it("keeps early renewal inside a short validity by default", () => {
        assert.strictEqual(resolveConfig(args({ ca: { validityHours: 48 } })).ca.earlyRenewalHours, 24);
    });

    it("accepts several destinations with their own credentials in a custom gateway namespace", () => {
        const config = resolveConfig(multiDestinationArgs());
        assert.deepStrictEqual(config.destinations.map((d) => [d.name, d.mode, d.credentialName, d.port]), [
            ["nginx", "SIMPLE", "client-credential", 443],
            ["billing", "MUTUAL", "client-credential-billing", 8443],
            ["partner", "SIMPLE", "client-credential-partner", 443],
        ]);
        assert.strictEqual(config.gateway.namespace, "demo-istio");
    });

    it("accepts outside hosts, narrow wildcards and pinned images as they are", () => {
        const image = "registry.local:5000/nginx-unprivileged@sha256:" + "a".repeat(64);
        const config = resolveConfig({
            destinations: [
                { ...PARTNER, host: "api.partner.example.org", subjectAltNames: ["*.partner.example.org", "*.example.org"] },
                { ...NGINX, subjectAltNames: ["*.mesh-external.svc.cluster.local"], server: { ...NGINX.server!, image } },
                { name: "tagged", host: "web.tools.svc.cluster.local", server: { namespace: "tools", name: "web", image: "registry.local:5000/nginx:1.27.3" } },
            ],
            gateway: { chartVersion: "1.28.0-beta.1" },
            lockdown: { namespaces: ["apps", "default"] },
        });
        assert.deepStrictEqual(config.destinations.map((d) => [d.host, d.subjectAltNames, d.server?.image]), [
            ["api.partner.example.org", ["*.partner.example.org", "*.example.org"], undefined],
            ["my-nginx.mesh-external.svc.cluster.local", ["*.mesh-external.svc.cluster.local"], image],
            ["web.tools.svc.cluster.local", [], "registry.local:5000/nginx:1.27.3"],
        ]);
        assert.strictEqual(config.gateway.chartVersion, "1.28.0-beta.1");
    });

    describe("never repeats a value longer than a name in a message", () => {
        const privateKeyPem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
        const keyLines = privateKeyPem.split("\n").filter((line) => line.length > 0);
        /** Every place a config holds a value, filled with valid values so each refusal is the pasted key's. */
        const fullArgs = (): EgressTlsOriginationArgs => ({
            ...multiDestinationArgs(),
            ca: { organization: "Example", commonName: "example.com", algorithm: "ECDSA", rsaBits: 2048, ecdsaCurve: "P256", validityHours: 48, earlyRenewalHours: 2, generations: ["r"], issuer: "r" },
            lockdown: { namespaces: ["apps-a"], controlPlaneNamespace: "istio-system" },
            verify: true,
            verifyNamespace: "verify",
            istioApiVersion: "networking.istio.io/v1",
        });
        const withValueAt = (value: unknown, path: Path, replacement: unknown): unknown => {
            if (path.length === 0) return replacement;
            const [head, ...rest] = path;
            const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
            copy[head] = withValueAt(copy[head], rest, replacement);
            return copy;
        };
        function assertKeyNotEchoed(input: unknown, where: string): void {
            assert.throws(() => resolveConfig(input as EgressTlsOriginationArgs), (error: unknown) => {
                assert.ok(error instanceof ConfigError, `${where}: expected a ConfigError, got ${error}`);
                for (const line of keyLines) assert.ok(!error.message.includes(line), `${where}: the message repeats "${line}": ${error.message}`);
                assert.ok(!/PRIVATE KEY/.test(error.message), `${where}: ${error.message}`);
                return true;
            }, where);
        }

        it("with the key pasted into host, by field and a short description", () => {
            assert.throws(() => resolveConfig({ destinations: [{ ...PARTNER, host: privateKeyPem }] }),
                { message: `egress-tls: destinations[0].host: (a text of ${privateKeyPem.length} characters, not shown) is not a DNS name (lowercase labels of letters, digits and '-', separated by dots)` });
        });

        it("with the key pasted into a selector's value or key", () => {
            assertKeyNotEchoed({ destinations: [NGINX], gateway: { selector: { istio: privateKeyPem } } }, "selector value");
            assertKeyNotEchoed({ destinations: [NGINX], gateway: { selector: { [privateKeyPem]: "egressgateway" } } }, "selector key");
            assertKeyNotEchoed({ destinations: [{ ...NGINX, [privateKeyPem]: "x" }] }, "field name");
        });

        it("with the key pasted into any one field of a full config, and as one line of it", () => {
            const base = fullArgs();
            assert.doesNotThrow(() => resolveConfig(base), "the full config is valid");
            const paths = allPaths(base);
            assert.ok(paths.length > 40, `${paths.length} places tried`);
            for (const path of paths) {
                for (const pasted of [privateKeyPem, keyLines[1], keyLines.slice(1).join("")]) {
                    const input = withValueAt(base, path, pasted);
                    try {
                        resolveConfig(input as EgressTlsOriginationArgs);
                    } catch {
                        assertKeyNotEchoed(input, path.join("."));
                    }
                }
            }
        });
    });

    it("accepts the first gateway chart of each minor whose schema the bundled Helm accepts, and any from 1.28", () => {
        for (const chartVersion of ["1.25.5", "1.26.4", "1.27.1", "1.28.0", "1.30.2"]) {
            assert.strictEqual(resolveConfig(args({ gateway: { chartVersion } })).gateway.chartVersion, chartVersion);
        }
    });

    it("accepts a server namespace shared by two destinations", () => {
        const second = { name: "other", host: "other.mesh-external.svc.cluster.local", server: { namespace: "mesh-external", name: "other" } };
        assert.strictEqual(resolveConfig(args({ destinations: [NGINX, second] })).destinations.length, 2);
    });
});

describe("stack config", () => {
    it("hands the component its args key for key, parsing structured values", () => {
        const settings = readStackConfig("egress-tls", {
            "egress-tls:destinations": JSON.stringify([NGINX]),
            "egress-tls:routingNamespace": "apps",
            "egress-tls:verifyNamespace": "checks",
            "egress-tls:trustDomain": "corp.example",
            "egress-tls:renderYamlTo": "out",
            "kubernetes:context": "kind-egress",
        }, () => false, "render");
        assert.deepStrictEqual(settings.args, { destinations: [NGINX], routingNamespace: "apps", verifyNamespace: "checks", trustDomain: "corp.example" });
        assert.strictEqual(settings.renderYamlTo, "out");
    });

    it("refuses a key it does not know, by name", () => {
        assert.throws(() => readStackConfig("egress-tls", { "egress-tls:destination": "[]" }),
            (error: unknown) => error instanceof ConfigError && error.field === "destination" && /unknown stack config key "egress-tls:destination"/.test(error.message));
    });
});
