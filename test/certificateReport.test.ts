import * as assert from "assert";
import { X509Certificate } from "crypto";
import { expiryWarnings, ReportedCertificate } from "../components/certificateReport";
import { anyPrivateKeys } from "./support/secretScan";
import { OUTSIDE_CA_PEM, PARTNER, testCertificate, TYPES } from "./support/fixtures";
import { ProgramRun, unwrapSecrets } from "./support/harness";
import { ecdsaCaArgs, everyKindOfDestinationArgs, runComponent } from "./support/scenarios";
import { SimulatedProviders } from "./support/tlsProvider";

const HOUR_MS = 3_600_000;

/** What `pulumi.log.warn` wrote while `use` ran (without an engine, as under mocks, the SDK writes to console.warn). */
async function warningsOf(use: () => Promise<unknown>): Promise<string[]> {
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    console.warn = (message: string) => { warnings.push(message); };
    try {
        await use();
    } finally {
        console.warn = consoleWarn;
    }
    return warnings;
}

/** The facts `openssl x509 -fingerprint -sha256 -subject -dates` would show, from Node's parser. */
function factsOf(pem: string) {
    const certificate = new X509Certificate(pem);
    return {
        subject: certificate.subject.split("\n").join(", "),
        sha256Fingerprint: certificate.fingerprint256,
        notBefore: new Date(certificate.validFrom).toISOString(),
        notAfter: new Date(certificate.validTo).toISOString(),
    };
}

describe("the certificates output", () => {
    let run: ProgramRun;
    let warnings: string[];
    /** The component's registered `certificates` output. */
    let reported: () => Promise<{ [destination: string]: { [certificate: string]: any } }>;
    before(async () => {
        warnings = await warningsOf(async () => {
            run = await runComponent({
                ...everyKindOfDestinationArgs(ecdsaCaArgs()),
                ca: { ...ecdsaCaArgs(), generations: ["1", "2"], issuer: "1" },
            }, new SimulatedProviders().provider);
        });
        reported = async () => unwrapSecrets([...run.componentOutputs.values()].find((o) => o.certificates !== undefined)).certificates;
    });

    it("lists, per destination, each generation's CA, the server and client leaves and each brought CA", async () => {
        const certificates = await reported();
        assert.deepStrictEqual(Object.fromEntries(Object.entries(certificates).map(([d, c]) => [d, Object.keys(c).sort()])), {
            nginx: ["ca-1", "ca-2", "server"],
            billing: ["ca-1", "ca-2", "client", "server"],
            bank: ["ca-1", "ca-2", "caCertPem[0]", "client"],
            partner: ["caCertPem[0]"],
        });
    });

    it("gives each one's subject, SHA-256 fingerprint, notBefore and notAfter, as the certificate itself says", async () => {
        const certificates = await reported();
        const pem = (type: string, name: string) => run.get(type, name).outputs.certPem;
        assert.deepStrictEqual(certificates.billing["ca-2"], factsOf(pem(TYPES.selfSignedCert, "egress-tls-billing-ca-2-cert")));
        assert.deepStrictEqual(certificates.billing.server, factsOf(pem(TYPES.locallySignedCert, "egress-tls-billing-server-1-cert")));
        assert.deepStrictEqual(certificates.bank.client, factsOf(pem(TYPES.locallySignedCert, "egress-tls-bank-client-1-cert")));
        assert.deepStrictEqual(certificates.partner["caCertPem[0]"], factsOf(OUTSIDE_CA_PEM));
        assert.match(certificates.partner["caCertPem[0]"].sha256Fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        assert.strictEqual(certificates.nginx.server.subject, "CN=my-nginx.mesh-external.svc.cluster.local, O=some organization");
    });

    it("holds no key material, and is registered as a component output", async () => {
        const outputs = [...run.componentOutputs.values()].find((o) => o.certificates !== undefined);
        assert.ok(outputs, "the component registers `certificates`");
        assert.deepStrictEqual(anyPrivateKeys(outputs.certificates, "certificates"), []);
        assert.doesNotMatch(JSON.stringify(outputs.certificates), /BEGIN/);
    });

    it("warns about nothing while every certificate is far from its end", () => {
        assert.deepStrictEqual(warnings, []);
    });
});

describe("expiry warnings", () => {
    let certificates: ReportedCertificate[];
    before(async () => {
        const own = await testCertificate({ commonName: "example.com", validTo: 100 });
        const brought = await testCertificate({ commonName: "Partner Root CA", validTo: 24 * 365 });
        certificates = [
            { destination: "nginx", name: "ca-1", summary: factsOf(own.pem), brought: false },
            { destination: "partner", name: "caCertPem[0]", summary: factsOf(brought.pem), brought: true },
        ];
    });

    it("name the destination and the certificate ending within ca.earlyRenewalHours, and who renews it", () => {
        assert.deepStrictEqual(expiryWarnings(certificates, 24, new Date()), []);
        const [warning] = expiryWarnings(certificates, 120, new Date());
        assert.match(warning, /^destination nginx: certificate ca-1 \(CN=example\.com\) expires on \S+, within ca\.earlyRenewalHours \(120 h\); `pulumi up` re-issues it/);
        const later = new Date(Date.now() + 24 * 360 * HOUR_MS);
        const warnings = expiryWarnings(certificates, 720, later);
        assert.strictEqual(warnings.length, 2);
        assert.match(warnings[0], /certificate ca-1 .* expired on /);
        assert.match(warnings[1], /^destination partner: certificate caCertPem\[0\] \(CN=Partner Root CA\) expires on .*; ask the service's operator for its new CA/);
    });

    it("are logged by the component at every run (preview and up) when a brought CA ends within ca.earlyRenewalHours", async () => {
        const soon = await testCertificate({ commonName: "Partner Root CA ending", validTo: 48 });
        const warnings = await warningsOf(() => runComponent({ destinations: [{ ...PARTNER, caCertPem: soon.pem }], ca: { earlyRenewalHours: 72 } }, new SimulatedProviders().provider));
        assert.strictEqual(warnings.length, 1, warnings.join("\n"));
        assert.match(warnings[0], /destination partner: certificate caCertPem\[0\] \(CN=Partner Root CA ending\) expires on .*within ca\.earlyRenewalHours \(72 h\)/);
    });
});
