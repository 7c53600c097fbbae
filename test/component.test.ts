import * as assert from "assert";
import { createPrivateKey, createPublicKey, X509Certificate } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EgressTlsOrigination } from "../components";
import { cheapProviders } from "./support/cheapProviders";
import { ProgramRun, runProgram, valueOf } from "./support/harness";
import { multiDestinationArgs, NGINX, OUTSIDE_CA_PEM, PARTNER, TYPES } from "./support/fixtures";
import { ecdsaCaArgs, MUTABLE_KUBERNETES_CONFIG } from "./support/scenarios";
import { SimulatedProviders } from "./support/tlsProvider";
import { knownAs } from "./support/urns";

const SECRET = TYPES.secret;
const CERT_TYPES: string[] = [TYPES.selfSignedCert, TYPES.locallySignedCert];

function certificate(pem: string): X509Certificate {
    return new X509Certificate(pem);
}

function sameKey(certPem: string, keyPem: string): boolean {
    const fromCert = certificate(certPem).publicKey.export({ type: "spki", format: "der" });
    const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: "spki", format: "der" });
    return fromCert.equals(fromKey);
}

describe("EgressTlsOrigination with several destinations", () => {
    let run: ProgramRun;
    let component: EgressTlsOrigination;

    before(async () => {
        run = await runProgram(() => { component = new EgressTlsOrigination("egress", multiDestinationArgs()); }, new SimulatedProviders().provider);
    });

    it("declares each destination's objects in the gateway namespace demo-istio and the routing namespace", () => {
        assert.deepStrictEqual(run.kubernetesObjects(), [
            "ConfigMap mesh-external/nginx-configmap",
            "ConfigMap payments/billing-configmap",
            "Deployment mesh-external/my-nginx",
            "Deployment payments/billing",
            "DestinationRule demo-istio/egressgateway-for-billing",
            "DestinationRule demo-istio/egressgateway-for-nginx",
            "DestinationRule demo-istio/egressgateway-for-partner",
            "DestinationRule demo-istio/originate-tls-for-billing",
            "DestinationRule demo-istio/originate-tls-for-nginx",
            "DestinationRule demo-istio/originate-tls-for-partner",
            "Gateway apps/egress-gw",
            "Namespace mesh-external",
            "Namespace payments",
            "Secret demo-istio/client-credential-billing",
            "Secret demo-istio/client-credential-cacert",
            "Secret demo-istio/client-credential-partner-cacert",
            "Secret mesh-external/nginx-ca-certs",
            "Secret mesh-external/nginx-server-certs",
            "Secret payments/billing-ca-certs",
            "Secret payments/billing-server-certs",
            "Service mesh-external/my-nginx",
            "Service payments/billing",
            "ServiceEntry apps/partner-external",
            "VirtualService apps/direct-billing-through-egress-gateway",
            "VirtualService apps/direct-nginx-through-egress-gateway",
            "VirtualService apps/direct-partner-through-egress-gateway",
        ]);
    });

    it("uses the configured Istio API version for every Istio object", () => {
        const istio = run.registrations.filter((r) => String(r.inputs.apiVersion).startsWith("networking.istio.io"));
        assert.strictEqual(istio.length, 11);
        assert.ok(istio.every((r) => r.inputs.apiVersion === "networking.istio.io/v1"));
    });

    it("gives every destination that needs signing its own CA, with the walkthrough's subject", () => {
        const cas = run.ofType(TYPES.selfSignedCert);
        assert.deepStrictEqual(cas.map((r) => r.name).sort(), ["egress-billing-ca-1-cert", "egress-nginx-ca-1-cert"]);
        for (const ca of cas) {
            assert.deepStrictEqual(ca.inputs.subject, { organization: "example Inc.", commonName: "example.com" });
            assert.strictEqual(ca.inputs.isCaCertificate, true);
            assert.deepStrictEqual(ca.inputs.allowedUses, ["cert_signing", "crl_signing", "digital_signature"]);
        }
        const [a, b] = cas.map((r) => certificate(r.outputs.certPem));
        assert.notStrictEqual(a.fingerprint256, b.fingerprint256);
    });

    it("makes keys with the walkthrough's algorithm and size", () => {
        const keys = run.ofType(TYPES.privateKey);
        assert.strictEqual(keys.length, 5, "two CAs, two servers, one MUTUAL client");
        assert.ok(keys.every((k) => k.inputs.algorithm === "RSA" && k.inputs.rsaBits === 2048));
    });

    it("puts the host in the server certificate's subjectAltName and signs it with the destination's CA", () => {
        const secret = run.get(SECRET, "egress-billing-server-certs").inputs;
        assert.strictEqual(secret.type, "kubernetes.io/tls");
        const leaf = certificate(secret.stringData["tls.crt"]);
        assert.strictEqual(leaf.subjectAltName, "DNS:billing.payments.svc.cluster.local");
        assert.ok(sameKey(secret.stringData["tls.crt"], secret.stringData["tls.key"]));
        const ca = certificate(run.get(SECRET, "egress-billing-ca-certs").inputs.stringData["ca.crt"]);
        assert.ok(leaf.verify(ca.publicKey));
        assert.ok(!leaf.verify(certificate(run.get(SECRET, "egress-nginx-ca-certs").inputs.stringData["ca.crt"]).publicKey));
    });

    it("signs certificates with snake_case key usages and the configured validity", () => {
        for (const cert of run.registrations.filter((r) => CERT_TYPES.includes(r.type))) {
            assert.strictEqual(cert.inputs.validityPeriodHours, 8760);
            assert.ok(cert.inputs.allowedUses.every((use: string) => /^[a-z_]+$/.test(use)), `${cert.name}: ${cert.inputs.allowedUses}`);
        }
        assert.deepStrictEqual(run.get(CERT_TYPES[1], "egress-billing-server-1-cert").inputs.allowedUses, ["digital_signature", "key_encipherment", "server_auth"]);
        assert.deepStrictEqual(run.get(CERT_TYPES[1], "egress-billing-client-1-cert").inputs.allowedUses, ["digital_signature", "key_encipherment", "client_auth"]);
    });

    it("gives a SIMPLE credential only ca.crt, the destination's CA", () => {
        const credential = knownAs(run, SECRET, "egress-nginx-credential").inputs;
        assert.deepStrictEqual(Object.keys(credential.stringData), ["ca.crt"]);
        assert.strictEqual(credential.stringData["ca.crt"], run.get(SECRET, "egress-nginx-ca-certs").inputs.stringData["ca.crt"]);
    });

    it("gives a MUTUAL credential a client certificate from the server's CA, its key, and the CA", () => {
        const { stringData } = knownAs(run, SECRET, "egress-billing-credential").inputs;
        assert.deepStrictEqual(Object.keys(stringData).sort(), ["ca.crt", "tls.crt", "tls.key"]);
        const client = certificate(stringData["tls.crt"]);
        assert.ok(client.verify(certificate(stringData["ca.crt"]).publicKey));
        assert.ok(sameKey(stringData["tls.crt"], stringData["tls.key"]));
        assert.strictEqual(stringData["ca.crt"], run.get(SECRET, "egress-billing-ca-certs").inputs.stringData["ca.crt"]);
    });

    it("gives an outside host the brought CA and a ServiceEntry, and runs no server for it", () => {
        assert.deepStrictEqual(knownAs(run, SECRET, "egress-partner-credential").inputs.stringData, { "ca.crt": OUTSIDE_CA_PEM });
        assert.strictEqual(run.get(TYPES.serviceEntry, "egress-partner-service-entry").inputs.spec.resolution, "DNS");
        assert.ok(!run.registrations.some((r) => r.name.startsWith("egress-partner-") && /(ca|server|client)-(key|cert)$/.test(r.name)));
    });

    it("outputs each destination's CA, credential Secret and check commands", async () => {
        const cas = await valueOf(component.caCertificates);
        assert.deepStrictEqual(Object.keys(cas), ["nginx", "billing", "partner"]);
        assert.strictEqual(cas.partner, OUTSIDE_CA_PEM);
        assert.strictEqual(cas.billing, run.get(SECRET, "egress-billing-ca-certs").inputs.stringData["ca.crt"]);
        assert.deepStrictEqual(Object.keys(await valueOf(component.clientCaCertificates)), ["billing"]);
        assert.deepStrictEqual(await valueOf(component.credentialSecrets), {
            nginx: "demo-istio/client-credential-cacert",
            billing: "demo-istio/client-credential-billing",
            partner: "demo-istio/client-credential-partner-cacert",
        });
        assert.deepStrictEqual((await valueOf(component.checkCommands)).partner, {
            request: "kubectl exec deploy/curl -c curl -- curl -sS http://api.partner.example.org",
            gatewayLog: "kubectl logs -l app=egress-gw -n demo-istio --tail=-1 | grep 'api.partner.example.org' | grep HTTP",
            credential: "istioctl proxy-config secret deploy/egress-gw -n demo-istio | grep 'client-credential-partner'",
        });
    });
});

describe("EgressTlsOrigination options", () => {
    it("makes ECDSA keys on the configured curve", async () => {
        const run = await runProgram(() => new EgressTlsOrigination("ec", { destinations: [NGINX], ca: { algorithm: "ECDSA", ecdsaCurve: "P384" } }),
            new SimulatedProviders().provider);
        const keys = run.ofType(TYPES.privateKey);
        assert.ok(keys.length === 2 && keys.every((k) => k.inputs.algorithm === "ECDSA" && k.inputs.ecdsaCurve === "P384" && k.inputs.rsaBits === undefined));
        const leaf = certificate(run.get(SECRET, "ec-nginx-server-certs").inputs.stringData["tls.crt"]);
        assert.strictEqual(leaf.publicKey.asymmetricKeyDetails?.namedCurve, "secp384r1");
    });

    it("makes a CA for a MUTUAL outside host only to sign the gateway's client certificate", async () => {
        let component: EgressTlsOrigination | undefined;
        const run = await runProgram(() => component = new EgressTlsOrigination("ext", {
            destinations: [{ ...PARTNER, mode: "MUTUAL" }],
        }), new SimulatedProviders().provider);
        const { stringData } = knownAs(run, SECRET, "ext-partner-credential").inputs;
        assert.strictEqual(stringData["ca.crt"], OUTSIDE_CA_PEM, "the gateway trusts the brought CA for the server");
        assert.ok(certificate(stringData["tls.crt"]).verify(certificate(run.get(TYPES.selfSignedCert, "ext-partner-ca-1-cert").outputs.certPem).publicKey));
        assert.strictEqual(run.ofType(TYPES.certRequest).length, 1, "a client CSR, no server certificate");
        assert.deepStrictEqual(await valueOf(component!.caCertificates), { partner: OUTSIDE_CA_PEM });
        assert.deepStrictEqual(await valueOf(component!.clientCaCertificates),
            { partner: run.get(TYPES.selfSignedCert, "ext-partner-ca-1-cert").outputs.certPem }, "the CA the outside service must trust");
    });
});

describe("the warning when the default Kubernetes provider would replace Secrets", () => {
    async function warningsOf(config: { [key: string]: string }, ownProvider = false): Promise<string[]> {
        const warnings: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as { warn: typeof warn }).warn = async (message: string) => { warnings.push(message); };
        pulumi.runtime.setAllConfig(config);
        try {
            await runProgram(() => {
                const providers = ownProvider ? [new k8s.Provider("own", { enableSecretMutable: true, enableConfigMapMutable: true })] : [];
                new EgressTlsOrigination("egress", { destinations: [NGINX], ca: ecdsaCaArgs() }, { providers });
            }, cheapProviders);
        } finally {
            (pulumi.log as { warn: typeof warn }).warn = warn;
            pulumi.runtime.setAllConfig({});
        }
        return warnings.filter((w) => /Mutable/.test(w));
    }

    it("warns, naming the settings, when the stack's kubernetes config lacks them", async () => {
        const [warning] = await warningsOf({ "kubernetes:enableSecretMutable": "true" });
        assert.match(warning, /^kubernetes:enableConfigMapMutable must be "true": without them a certificate renewal or rotation deletes the credential Secrets/);
    });

    it("is silent with both settings, or with a provider of the user's own, whose settings it cannot read", async () => {
        assert.deepStrictEqual(await warningsOf(MUTABLE_KUBERNETES_CONFIG), []);
        assert.deepStrictEqual(await warningsOf({}, true), []);
    });
});
