import * as assert from "assert";
import { PeerCertificate } from "tls";
import { envoyDnsNameMatch, envoyNameCheck, UpstreamTls } from "./support/tlsClient";

/** A certificate as Node hands it to checkServerIdentity, reduced to what the name check reads. */
function certificateFor(...dnsNames: string[]): PeerCertificate {
    return { subjectaltname: dnsNames.map((name) => `DNS:${name}`).join(", "), subject: { CN: "ignored.example.com" } } as unknown as PeerCertificate;
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

        it("never reads the CN", () => {
            const cnOnly = { subject: { CN: "api.example.com" } } as unknown as PeerCertificate;
            assert.match(String(envoyNameCheck(upstream({ subjectAltNames: ["api.example.com"] }), "api.example.com")("api.example.com", cnOnly)), /\(none\)/);
        });
    });
});
