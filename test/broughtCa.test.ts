import * as assert from "assert";
import { X509Certificate } from "crypto";
import { ConfigError, EgressTlsOrigination, resolveConfig } from "../components";
import { broughtCaCertificates } from "../components/config/broughtCa";
import { OUTSIDE_CA_PEM, PARTNER, testCertificate, TestCertificate } from "./support/fixtures";
import { runProgram } from "./support/harness";

const FIELD = "destinations[0].caCertPem";

/** The refusal of `caCertPem` as the component gives it: a ConfigError naming the field, and nothing registered. */
async function refused(caCertPem: string, problem: RegExp): Promise<ConfigError> {
    let error: unknown;
    const run = await runProgram(() => {
        try {
            new EgressTlsOrigination("egress-tls", { destinations: [{ ...PARTNER, caCertPem }] });
        } catch (thrown) {
            error = thrown;
        }
    });
    assert.ok(error instanceof ConfigError, `refused with a ConfigError, got ${String(error)}`);
    assert.strictEqual(error.field, FIELD);
    assert.match(error.message, problem);
    assert.deepStrictEqual(run.registrations, [], "nothing is created");
    return error;
}

/** The base64 body of a PEM block: what must never be echoed. */
function body(pem: string): string[] {
    return pem.split("\n").filter((line) => line.length > 0 && !line.startsWith("-----"));
}

describe("a brought CA (caCertPem)", () => {
    let valid: TestCertificate;
    let expired: TestCertificate;
    let notYetValid: TestCertificate;
    let leaf: TestCertificate;
    let selfSignedLeaf: TestCertificate;
    before(async () => {
        valid = await testCertificate({ commonName: "Partner Root CA 2026" });
        expired = await testCertificate({ commonName: "Partner Root CA 2024", validFrom: -24 * 400, validTo: -24 * 30 });
        notYetValid = await testCertificate({ commonName: "Partner Root CA 2030", validFrom: 24 * 30 });
        leaf = await testCertificate({ commonName: "api.partner.example.org", ca: false, issuer: valid });
        selfSignedLeaf = await testCertificate({ commonName: "api.partner.example.org", ca: false });
    });

    describe("a private key pasted after the certificate", () => {
        it("is refused by field name, without echoing the key, before anything is created", async () => {
            const error = await refused(valid.pem + valid.keyPem, /PEM block 2 of 2 is a private key \(remove it: .*\), not a CERTIFICATE/);
            for (const line of body(valid.keyPem)) assert.ok(!error.message.includes(line), "the message holds none of the key");
        });

        it("is refused in any armor (PKCS#1 RSA, SEC1 EC, encrypted)", async () => {
            for (const label of ["RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]) {
                const key = valid.keyPem.replace(/PRIVATE KEY/g, label);
                const error = await refused(valid.pem + key, /PEM block 2 of 2 is a private key/);
                assert.doesNotMatch(error.message, /PRIVATE KEY/);
            }
        });

        it("is refused like any other block that is not a certificate, by its label", async () => {
            await refused(valid.pem + "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n", /PEM block 2 of 2 is labelled "CERTIFICATE REQUEST", not a CERTIFICATE/);
        });

        it("is refused without its END line too, which no block would otherwise cover", async () => {
            const truncated = valid.keyPem.replace(/-----END PRIVATE KEY-----\n?/, "");
            const error = await refused(valid.pem + truncated, /1 PEM block\(s\) with no matching END line/);
            for (const line of body(valid.keyPem)) assert.ok(!error.message.includes(line), "the message holds none of the key");
        });
    });

    it("expired, is refused by field name and date", async () => {
        const notAfter = new Date(new X509Certificate(expired.pem).validTo).toISOString();
        await refused(expired.pem, new RegExp(`no certificate is valid now .*certificate 1 \\(CN=Partner Root CA 2024\\) expired on ${notAfter.replace(/\./g, "\\.")}`));
    });

    it("not yet valid, is refused by field name and date", async () => {
        await refused(notYetValid.pem, /certificate 1 \(CN=Partner Root CA 2030\) is not valid before \d{4}-\d\d-\d\dT/);
    });

    it("in a bundle with a valid CA, an expired or not-yet-valid one is accepted with a warning naming it", () => {
        const { pem, warnings } = broughtCaCertificates(expired.pem + valid.pem + notYetValid.pem, FIELD, new Date());
        assert.strictEqual(pem, expired.pem + valid.pem + notYetValid.pem, "the bundle is kept whole");
        assert.deepStrictEqual(warnings.map((w) => w.field), [FIELD, FIELD]);
        assert.match(warnings[0].message, /^certificate 1 \(CN=Partner Root CA 2024\) expired on .*; the gateway trusts the others/);
        assert.match(warnings[1].message, /^certificate 3 \(CN=Partner Root CA 2030\) is not valid before /);
    });

    it("in such a bundle, the component logs the warning with the field", async () => {
        const warnings: string[] = [];
        const consoleWarn = console.warn;
        console.warn = (message: string) => { warnings.push(message); };
        try {
            await runProgram(() => new EgressTlsOrigination("egress-tls", { destinations: [{ ...PARTNER, caCertPem: valid.pem + expired.pem }] }));
        } finally {
            console.warn = consoleWarn;
        }
        assert.deepStrictEqual(warnings.filter((w) => w.includes(FIELD)).length, 1, warnings.join("\n"));
        assert.match(warnings.find((w) => w.includes(FIELD))!, /destinations\[0\]\.caCertPem: certificate 2 \(CN=Partner Root CA 2024\) expired on/);
    });

    it("shared by several destinations, is checked once, its warnings naming each destination's field", () => {
        const shared = expired.pem + valid.pem;
        const config = resolveConfig({
            destinations: [
                { name: "orders", host: "orders.partner.example.org", caCertPem: shared },
                { name: "billing", host: "billing.partner.example.org", caCertPem: valid.pem },
                { name: "files", host: "files.partner.example.org", caCertPem: shared },
            ],
        });
        const [orders, billing, files] = config.destinations;
        const alone = broughtCaCertificates(shared, FIELD, new Date());
        assert.strictEqual(files.caCertSummaries, orders.caCertSummaries, "the second use of the bundle reuses the first one's check");
        assert.notStrictEqual(billing.caCertSummaries, orders.caCertSummaries);
        assert.deepStrictEqual(orders.caCertSummaries, alone.summaries, "the same facts a check of its own gives");
        assert.deepStrictEqual(config.warnings.map((w) => w.field), ["destinations[0].caCertPem", "destinations[2].caCertPem"]);
        assert.deepStrictEqual(config.warnings.map((w) => w.message), [alone.warnings[0].message, alone.warnings[0].message], "the finding of a check of its own, for each");
    });

    it("shared, and refused, is refused naming the first destination that brings it", () => {
        assert.throws(() => resolveConfig({
            destinations: [
                { name: "billing", host: "billing.partner.example.org", caCertPem: valid.pem },
                { name: "orders", host: "orders.partner.example.org", caCertPem: leaf.pem },
                { name: "files", host: "files.partner.example.org", caCertPem: leaf.pem },
            ],
        }), (error: unknown) => error instanceof ConfigError && error.field === "destinations[1].caCertPem" && /is neither a CA/.test(error.message));
    });

    it("that is not a CA and not self-signed, cannot anchor trust and is refused by field name", async () => {
        await refused(leaf.pem, /certificate 1 \(CN=api\.partner\.example\.org\) is neither a CA \(basicConstraints CA:TRUE\) nor self-signed/);
        await refused(valid.pem + leaf.pem, /certificate 2 \(CN=api\.partner\.example\.org\) is neither a CA/);
    });

    it("that is self-signed without being a CA (a pinned server certificate), or a CA, is accepted without warning", () => {
        for (const pem of [selfSignedLeaf.pem, valid.pem, OUTSIDE_CA_PEM, valid.pem + OUTSIDE_CA_PEM]) {
            assert.deepStrictEqual(broughtCaCertificates(pem, FIELD, new Date()).warnings, []);
        }
    });
});
