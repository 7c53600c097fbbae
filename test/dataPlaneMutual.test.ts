import * as assert from "assert";
import { dataPlanePerSuite, TLS_VERSIONS } from "./support/dataPlane";
import { STOCK_INDEX_HTML } from "./support/nginx";
import { ecdsaCaArgs, everyKindOfDestinationArgs } from "./support/scenarios";
import { Page, requestPage } from "./support/tlsClient";

/**
 * nginx with `ssl_verify_client on` lets the handshake finish without an acceptable client certificate and then answers
 * 400 with its reason instead of the page (at TLS 1.2 and 1.3 alike).
 */
function assertRefusedByNginx(page: Page, reason: string): void {
    assert.strictEqual(page.status, 400);
    assert.match(page.body, new RegExp(`<title>400 ${reason}</title>`));
    assert.doesNotMatch(page.body, /Welcome to nginx!/);
}

describe("data plane: several destinations, each with its own CA (ECDSA keys), on real nginx", () => {
    // The dev stack's SIMPLE server, a MUTUAL server, and a MUTUAL outside host whose client certificate comes from a third CA.
    const plane = dataPlanePerSuite(() => everyKindOfDestinationArgs(ecdsaCaArgs()));
    const { destination, upstream, serve } = plane;

    it("has two in-cluster servers, SIMPLE and MUTUAL, with different CAs", () => {
        const servers = plane.config.destinations.filter((d) => d.server);
        assert.deepStrictEqual(servers.map((d) => [d.name, d.mode]), [["nginx", "SIMPLE"], ["billing", "MUTUAL"]]);
        assert.notStrictEqual(upstream("nginx").caCrt, upstream("billing").caCrt);
    });

    it("serves each in-cluster destination to the gateway holding that destination's credential", async () => {
        for (const name of ["nginx", "billing"]) {
            const nginx = await serve(name);
            const page = await requestPage({ port: nginx.port, host: destination(name).host, upstream: upstream(name) });
            assert.deepStrictEqual([page.status, page.body], [200, STOCK_INDEX_HTML], name);
            await nginx.waitForAccessLog(/ 200 "GET \/ HTTP\/1\.1"/);
        }
    });

    it("serves the MUTUAL destination to the gateway presenting the credential's client certificate, at TLS 1.2 and 1.3", async () => {
        const nginx = await serve("billing");
        const { tlsCrt, tlsKey } = upstream("billing");
        assert.ok(tlsCrt && tlsKey, "the MUTUAL credential holds the gateway's client key pair");
        for (const tlsVersion of TLS_VERSIONS) {
            const page = await requestPage({ port: nginx.port, host: destination("billing").host, upstream: upstream("billing"), tlsVersion });
            assert.deepStrictEqual([page.status, page.protocol], [200, tlsVersion]);
        }
    });

    it("is refused by a gateway that trusts the other destination's CA", async () => {
        const attempts = [
            { server: "nginx", upstream: { ...upstream("nginx"), caCrt: upstream("billing").caCrt } },
            { server: "billing", upstream: { ...upstream("billing"), caCrt: upstream("nginx").caCrt } },
        ];
        for (const attempt of attempts) {
            const nginx = await serve(attempt.server);
            await assert.rejects(
                requestPage({ port: nginx.port, host: destination(attempt.server).host, upstream: attempt.upstream }),
                { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }, // OpenSSL: the leaf's issuer is not among the trusted CAs
                attempt.server,
            );
        }
    });

    for (const tlsVersion of TLS_VERSIONS) {
        it(`gives no page to a MUTUAL gateway without a client certificate (${tlsVersion})`, async () => {
            const nginx = await serve("billing");
            const withoutKeyPair = { ...upstream("billing"), tlsCrt: undefined, tlsKey: undefined };
            const page = await requestPage({ port: nginx.port, host: destination("billing").host, upstream: withoutKeyPair, tlsVersion });
            assertRefusedByNginx(page, "No required SSL certificate was sent");
        });

        it(`gives no page to a client certificate signed by another CA (${tlsVersion})`, async () => {
            const nginx = await serve("billing");
            const foreign = upstream("bank");
            assert.notStrictEqual(foreign.caCrt, upstream("billing").caCrt);
            const attempt = { ...upstream("billing"), tlsCrt: foreign.tlsCrt, tlsKey: foreign.tlsKey };
            const page = await requestPage({ port: nginx.port, host: destination("billing").host, upstream: attempt, tlsVersion });
            assertRefusedByNginx(page, "The SSL certificate error");
        });
    }
});
