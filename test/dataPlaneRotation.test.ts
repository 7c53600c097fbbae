import * as assert from "assert";
import { CertificateAuthority, EgressTlsOriginationArgs } from "../components";
import { resolveConfig } from "../components/config";
import { NGINX } from "./support/fixtures";
import { ProgramRun } from "./support/harness";
import { nginxPerTest, serverDeployment, STOCK_INDEX_HTML } from "./support/nginx";
import { ecdsaCaArgs, runComponent } from "./support/scenarios";
import { declaredUpstreamTls, Page, requestPage } from "./support/tlsClient";
import { SimulatedProviders } from "./support/tlsProvider";

/** A SIMPLE and a MUTUAL in-cluster server, with ECDSA keys (RSA would cost a good part of a second per key). */
function args(ca: CertificateAuthority): EgressTlsOriginationArgs {
    return {
        destinations: [
            NGINX,
            { name: "billing", host: "billing.payments.svc.cluster.local", port: 8443, mode: "MUTUAL", server: { namespace: "payments", name: "billing" } },
        ],
        ca: { ...ecdsaCaArgs(), ...ca },
    };
}

/** The documented procedure (docs/certificates.md), from the default: each entry is the `ca` of one `pulumi up`. */
const PROCEDURE: [string, CertificateAuthority][] = [
    ["before: generations [1]", {}],
    ["step 1: generations [1, 2], issuer 1", { generations: ["1", "2"], issuer: "1" }],
    ["step 2: issuer 2", { generations: ["1", "2"], issuer: "2" }],
    ["step 3: generations [2]", { generations: ["2"] }],
];

/**
 * In one `pulumi up` the gateway loads its new credential over SDS within seconds, while the server rolls over tens of
 * seconds: for a while one side holds the files of step k and the other those of step k+1, in either order. Every such
 * pair must complete a handshake, SIMPLE and MUTUAL, with real nginx and a client configured as the gateway's Envoy is
 * (declaredUpstreamTls: the declared origination rule and credential Secrets).
 */
describe("data plane: a CA rotation by generations fails no request, in either order of reload", () => {
    const startNginx = nginxPerTest();
    const states: ProgramRun[] = [];
    before(async () => {
        const providers = new SimulatedProviders();
        for (const [, ca] of PROCEDURE) states.push(await runComponent(args(ca), providers.provider));
    });

    /** A handshake and a page between the server as of `serverStep` and the gateway as of `gatewayStep`. */
    function fetchPage(destinationName: string, serverStep: number, gatewayStep: number): Promise<Page> {
        const config = resolveConfig(args(PROCEDURE[gatewayStep][1]));
        const destination = config.destinations.find((d) => d.name === destinationName)!;
        const serverRun = states[serverStep];
        return startNginx(serverRun, serverDeployment(serverRun, destination.server!)).then((nginx) =>
            requestPage({ port: nginx.port, host: destination.host, upstream: declaredUpstreamTls(states[gatewayStep], config.gateway.namespace, destination) }));
    }

    for (const destination of ["nginx", "billing"]) {
        for (let step = 0; step + 1 < PROCEDURE.length; step++) {
            for (const [order, serverStep, gatewayStep] of [["gateway reloaded first, then server rolled", step, step + 1], ["server rolled first, then gateway reloaded", step + 1, step]] as const) {
                it(`${destination}: ${PROCEDURE[step + 1][0]}: ${order}`, async () => {
                    const page = await fetchPage(destination, serverStep, gatewayStep);
                    assert.deepStrictEqual([page.status, page.body], [200, STOCK_INDEX_HTML]);
                });
            }
        }
    }

    // The proof has teeth: without step 1, one side would meet a CA it does not trust yet.
    it("nginx (SIMPLE): skipping step 1, a gateway not yet trusting generation 2 refuses the new server certificate", async () => {
        await assert.rejects(fetchPage("nginx", 2, 0), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    });

    it("billing (MUTUAL): skipping step 1, a server not yet trusting generation 2 refuses the new client certificate", async () => {
        const page = await fetchPage("billing", 0, 2).catch((error: Error) => error);
        assert.ok(!(page instanceof Error), `the server's certificate (generation 1) is still trusted: ${page}`);
        assert.strictEqual(page.status, 400);
        assert.match(page.body, /<title>400 The SSL certificate error<\/title>/);
    });
});

/** What docs/certificates.md says of the one-step replacement `[1]` → `[2]`: requests fail until both sides have reloaded. */
describe("data plane: replacing the whole list of generations at once (a compromised CA)", () => {
    const startNginx = nginxPerTest();
    const states: ProgramRun[] = [];
    const config = resolveConfig(args({}));
    const nginxDestination = config.destinations[0];
    before(async () => {
        const providers = new SimulatedProviders();
        for (const ca of [{}, { generations: ["2"] }]) states.push(await runComponent(args(ca), providers.provider));
    });

    it("fails the handshake while the gateway trusts only the new CA and the server still presents the old certificate", async () => {
        const nginx = await startNginx(states[0], serverDeployment(states[0], nginxDestination.server!));
        const upstream = declaredUpstreamTls(states[1], config.gateway.namespace, nginxDestination);
        await assert.rejects(requestPage({ port: nginx.port, host: nginxDestination.host, upstream }), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    });

    it("serves the page again once both have reloaded", async () => {
        const nginx = await startNginx(states[1], serverDeployment(states[1], nginxDestination.server!));
        const page = await requestPage({ port: nginx.port, host: nginxDestination.host, upstream: declaredUpstreamTls(states[1], config.gateway.namespace, nginxDestination) });
        assert.strictEqual(page.status, 200);
    });
});
