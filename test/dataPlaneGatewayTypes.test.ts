import * as assert from "assert";
import { GATEWAY_TYPES } from "../components/config";
import { dataPlanePerSuite, TLS_VERSIONS } from "./support/dataPlane";
import { STOCK_INDEX_HTML } from "./support/nginx";
import { ecdsaCaArgs, gatewayTypeArgs } from "./support/scenarios";
import { requestPage } from "./support/tlsClient";
import { CURL_CLIENTS, ISTIOCTL_GATEWAY, traceRequest, upstreamAtEnd } from "./support/trafficPath";

// Each gateway type on real nginx: the gateway's side of the handshake takes the TLS settings (trust, SNI, names) of the
// origination rule and the files of the credential Secret that the traced path ends at, in the namespace where the
// gateway's pods run.

for (const type of GATEWAY_TYPES) {
    describe(`data plane through a ${type} gateway, on real nginx`, () => {
        const plane = dataPlanePerSuite(() => gatewayTypeArgs(type, ecdsaCaArgs()));
        const host = (name: string) => plane.destination(name).host;
        const path = (name: string) => traceRequest(plane.run, CURL_CLIENTS[type], host(name), ISTIOCTL_GATEWAY);
        const upstream = (name: string) => upstreamAtEnd(plane.run, path(name));

        it("finds each server's credential where the gateway's pods run", () => {
            for (const name of ["nginx", "billing"]) assert.strictEqual(path(name).gatewayNamespace, plane.config.gateway.namespace);
        });

        for (const tlsVersion of TLS_VERSIONS) {
            it(`SIMPLE and MUTUAL servers serve their page to the gateway (${tlsVersion})`, async () => {
                for (const name of ["nginx", "billing"]) {
                    const nginx = await plane.serve(name);
                    const page = await requestPage({ port: nginx.port, host: host(name), upstream: upstream(name), tlsVersion });
                    assert.deepStrictEqual([page.status, page.body, page.protocol], [200, STOCK_INDEX_HTML, tlsVersion], name);
                }
            });
        }

        it("a gateway trusting the other destination's CA is refused", async () => {
            const nginx = await plane.serve("nginx");
            const foreign = { ...upstream("nginx"), caCrt: upstream("billing").caCrt };
            await assert.rejects(requestPage({ port: nginx.port, host: host("nginx"), upstream: foreign }), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
        });

        it("a MUTUAL server gives no page to a gateway without the client certificate", async () => {
            const nginx = await plane.serve("billing");
            const withoutKeyPair = { ...upstream("billing"), tlsCrt: undefined, tlsKey: undefined };
            const page = await requestPage({ port: nginx.port, host: host("billing"), upstream: withoutKeyPair });
            assert.strictEqual(page.status, 400);
            assert.match(page.body, /<title>400 No required SSL certificate was sent<\/title>/);
        });
    });
}
