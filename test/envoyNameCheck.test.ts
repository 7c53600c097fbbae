import * as assert from "assert";
import { execFileSync } from "child_process";
import { X509Certificate } from "crypto";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { PeerCertificate } from "tls";
import { envoyDnsNameMatch, envoyNameCheck, UpstreamTls } from "./support/tlsClient";

/** A certificate as Node hands it to checkServerIdentity, reduced to what the name check reads. */
function certificateFor(...dnsNames: string[]): PeerCertificate {
    return { subjectaltname: dnsNames.map((name) => `DNS:${name}`).join(", "), subject: { CN: "ignored.example.com" } } as unknown as PeerCertificate;
}

/**
 * A real certificate's subjectAltName as Node prints it, made by openssl from `[type, value]` entries (`["URI",
 * "spiffe://a/b"]`); from a config file, since openssl's `-addext` cannot carry a comma inside a value.
 */
function issuedWith(...entries: [string, string][]): PeerCertificate {
    const dir = mkdtempSync(path.join(tmpdir(), "san-"));
    try {
        const config = path.join(dir, "openssl.cnf");
        const alt = entries.map(([type, value], i) => `${type}.${i} = ${value}`);
        writeFileSync(config, ["[req]", "distinguished_name = dn", "x509_extensions = ext", "prompt = no", "[dn]", "CN = api.example.com",
            "[ext]", "subjectAltName = @alt", "[alt]", ...alt, ""].join("\n"));
        const pem = execFileSync("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "key.pem"),
            "-days", "1", "-config", config,
        ], { stdio: ["ignore", "pipe", "pipe"] });
        return { subjectaltname: new X509Certificate(pem).subjectAltName, subject: { CN: "api.example.com" } } as unknown as PeerCertificate;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

const upstream = (settings: Partial<UpstreamTls>): UpstreamTls => ({ subjectAltNames: [], caCrt: "", ...settings });

describe("the Envoy name-check model", () => {
    describe("dnsNameMatch, with Envoy's own cases (envoyproxy/envoy test/common/tls/utility_test.cc)", () => {
        // TestDnsNameMatching, case for case.
        const cases: [string, string, boolean][] = [
            ["lyft.com", "lyft.com", true], ["a.lyft.com", "*.lyft.com", true], ["a.LYFT.com", "*.lyft.COM", true],
            ["lyft.com", "*yft.com", true], ["LYFT.com", "*yft.com", true], ["lyft.com", "*lyft.com", true],
            ["lyft.com", "lyf*.com", true], ["lyft.com", "lyft*.com", true], ["lyft.com", "l*ft.com", true],
            ["t.lyft.com", "t*.lyft.com", true], ["test.lyft.com", "t*.lyft.com", true], ["l-lots-of-stuff-ft.com", "l*ft.com", true],
            ["t.lyft.com", "t*t.lyft.com", false], ["lyft.com", "l*ft.co", false], ["lyft.com", "ly?t.com", false],
            ["lyft.com", "lf*t.com", false], [".lyft.com", "*lyft.com", false], ["lyft.com", "**lyft.com", false],
            ["lyft.com", "lyft**.com", false], ["lyft.com", "ly**ft.com", false], ["lyft.com", "lyft.c*m", false],
            ["lyft.com", "*yft.c*m", false], ["test.lyft.com.extra", "*.lyft.com", false], ["a.b.lyft.com", "*.lyft.com", false],
            ["foo.test.com", "*.lyft.com", false], ["lyft.com", "*.lyft.com", false], ["alyft.com", "*.lyft.com", false],
            ["", "*lyft.com", false], ["lyft.com", "", false],
        ];
        for (const [name, pattern, expected] of cases) {
            it(`${JSON.stringify(name)} ${expected ? "matches" : "does not match"} ${JSON.stringify(pattern)}`, () => {
                assert.strictEqual(envoyDnsNameMatch(name, pattern), expected);
            });
        }
    });

    describe("Istio's rule (setAutoSniAndAutoSanValidation)", () => {
        const wrongName = certificateFor("attacker.example.net");

        it("checks nothing when the rule sets sni and no subjectAltNames", () => {
            assert.strictEqual(envoyNameCheck(upstream({ sni: "api.example.com" }), "api.example.com")("api.example.com", wrongName), undefined);
        });

        it("checks the request's host when the rule sets neither (auto SAN validation)", () => {
            const check = envoyNameCheck(upstream({}), "api.example.com");
            assert.match(String(check("api.example.com", wrongName)), /matches none of api\.example\.com/);
            assert.strictEqual(check("api.example.com", certificateFor("api.example.com")), undefined);
        });

        it("checks the rule's subjectAltNames alone when it has some, whatever the request's host and SNI", () => {
            const check = envoyNameCheck(upstream({ sni: "api.example.com", subjectAltNames: ["edge.example.com"] }), "api.example.com");
            assert.match(String(check("api.example.com", certificateFor("api.example.com"))), /matches none of edge\.example\.com/);
            assert.strictEqual(check("api.example.com", certificateFor("other.example.com", "*.example.com")), undefined);
        });

        describe("names listed in the rule match URI, email and IP SANs too (Envoy's expansion of match_subject_alt_names)", () => {
            const listing = (...names: string[]) => envoyNameCheck(upstream({ subjectAltNames: names }), "api.example.com");

            it("accepts a certificate whose only matching SAN is a URI SAN equal to the name", () => {
                const uriOnly = issuedWith(["DNS", "other.example.com"], ["URI", "spiffe://example.com/ns/pay/sa/api"]);
                assert.strictEqual(listing("spiffe://example.com/ns/pay/sa/api")("api.example.com", uriOnly), undefined);
                assert.match(String(listing("spiffe://example.com/ns/pay/sa/other")("api.example.com", uriOnly)), /matches none/);
            });

            it("reads a URI SAN that Node prints quoted (it holds a comma)", () => {
                assert.strictEqual(listing("https://example.com/a,b")("api.example.com", issuedWith(["URI", "https://example.com/a,b"])), undefined);
            });

            it("never wildcard-matches a URI SAN: DNS rules are for DNS SANs alone", () => {
                assert.match(String(listing("api.example.com")("api.example.com", issuedWith(["URI", "*.example.com"]))), /matches none/);
                assert.strictEqual(listing("api.example.com")("api.example.com", issuedWith(["DNS", "*.example.com"])), undefined);
                assert.strictEqual(listing("*.example.com")("api.example.com", issuedWith(["URI", "*.example.com"])), undefined, "equal text matches");
            });

            it("accepts equal email and IP SANs, an IPv6 one in Envoy's compressed form", () => {
                assert.strictEqual(listing("ops@example.com")("api.example.com", issuedWith(["email", "ops@example.com"])), undefined);
                assert.strictEqual(listing("10.0.0.7")("api.example.com", issuedWith(["IP", "10.0.0.7"])), undefined);
                assert.strictEqual(listing("2001:db8::7")("api.example.com", issuedWith(["IP", "2001:db8::7"])), undefined);
            });

            it("auto SAN validation (no sni, no subjectAltNames) reads DNS SANs only", () => {
                const check = envoyNameCheck(upstream({}), "api.example.com");
                assert.match(String(check("api.example.com", issuedWith(["URI", "api.example.com"]))), /matches none of api\.example\.com/);
            });
        });

        it("never reads the CN", () => {
            const cnOnly = { subject: { CN: "api.example.com" } } as unknown as PeerCertificate;
            assert.match(String(envoyNameCheck(upstream({ subjectAltNames: ["api.example.com"] }), "api.example.com")("api.example.com", cnOnly)), /\(none\)/);
        });
    });
});
