import * as assert from "assert";
import { execFile } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo } from "net";
import { tmpdir } from "os";
import * as path from "path";
import { EgressTlsOriginationArgs, resolveConfig } from "../components";
import { childName } from "../components/naming";
import {
    AMBIENT_CLIENT, renderVerifyJobSpec, renderVerifyScript, SERVER_PAGE_MARKER, SIDECAR_CLIENT, VERIFY_DEADLINE_SECONDS, VerifyCheck, verifyChecks,
    VerifyTiming,
} from "../components/render/verifyJob";
import { cheapProviders } from "./support/cheapProviders";
import { NGINX, TYPES } from "./support/fixtures";
import { ProgramRun, Registration } from "./support/harness";
import { PodTemplate, restrictedViolations } from "./support/podSecurity";
import { COMPONENT, devStackArgs, everyKindOfDestinationArgs, gatewayTypeArgs, runComponent } from "./support/scenarios";

const { job: JOB, namespace: NAMESPACE } = TYPES;
const NGINX_PAGE = `<!DOCTYPE html><html><head><title>${SERVER_PAGE_MARKER}</title></head><body></body></html>`;
/** Fast enough for a test; the script's logic is the same as with the Job's timing. */
const QUICK: VerifyTiming = { sidecarPolls: 2, attempts: 3, delaySeconds: 0, requestTimeoutSeconds: 5 };

type Reply = { status: number; body: string };

/**
 * Stands in for the pod's network: the sidecar's status and quit endpoints on 127.0.0.1, and each host's page as the
 * mesh would deliver it. Replies per host are served in turn, the last one repeated.
 */
class FakeMesh {
    readonly requests: string[] = [];
    sidecarReady = true;
    private readonly server: Server;
    private readonly dir = mkdtempSync(path.join(tmpdir(), "verify-"));

    constructor(private readonly pages: { [host: string]: Reply[] }) {
        this.server = createServer((req, res) => this.answer(req, res));
    }

    private answer(req: IncomingMessage, res: ServerResponse): void {
        const host = String(req.headers.host);
        this.requests.push(`${req.method} ${host}${req.url}`);
        const reply = (status: number, body = ""): void => { res.writeHead(status).end(body); };
        if (host === "127.0.0.1:15021" && req.url === "/healthz/ready") return reply(this.sidecarReady ? 200 : 503);
        if (host === "127.0.0.1:15020" && req.url === "/quitquitquit" && req.method === "POST") return reply(200);
        const replies = this.pages[host];
        if (!replies) return reply(404, "no such host");
        const next = replies.length > 1 ? replies.shift()! : replies[0];
        reply(next.status, next.body);
    }

    async start(): Promise<void> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        // Like the sidecar's interception, curl's own config sends every connection here; the script is run unchanged.
        writeFileSync(path.join(this.dir, ".curlrc"), `connect-to = "::127.0.0.1:${(this.server.address() as AddressInfo).port}"\n`);
    }

    run(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
        return new Promise((resolve) => {
            execFile("sh", ["-c", script], { env: { PATH: process.env.PATH, CURL_HOME: this.dir, HOME: this.dir } }, (error, stdout, stderr) => {
                resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
            });
        });
    }

    async stop(): Promise<void> {
        await new Promise((resolve) => this.server.close(resolve));
        rmSync(this.dir, { recursive: true, force: true });
    }
}

async function runScript(checks: VerifyCheck[], pages: { [host: string]: Reply[] }, sidecarReady = true, client = SIDECAR_CLIENT) {
    const mesh = new FakeMesh(pages);
    mesh.sidecarReady = sidecarReady;
    await mesh.start();
    try {
        return { ...(await mesh.run(renderVerifyScript(checks, client, QUICK))), requests: mesh.requests };
    } finally {
        await mesh.stop();
    }
}

const NGINX_HOST = NGINX.host;
const PARTNER_HOST = "api.partner.example.org";
const CHECKS: VerifyCheck[] = [{ host: NGINX_HOST, marker: SERVER_PAGE_MARKER, refused: false }, { host: PARTNER_HOST, marker: "", refused: false }];
const READY = "GET 127.0.0.1:15021/healthz/ready";
const QUIT = "POST 127.0.0.1:15020/quitquitquit";

describe("verifyChecks", () => {
    it("expects the nginx page from an in-cluster server and any 2xx page from an outside host", () => {
        const config = resolveConfig(everyKindOfDestinationArgs());
        assert.deepStrictEqual(verifyChecks(config.destinations, config.verifyNamespace), [
            { host: NGINX_HOST, marker: "Welcome to nginx!", refused: false },
            { host: "billing.payments.svc.cluster.local", marker: "Welcome to nginx!", refused: false },
            { host: "api.bank.example.com", marker: "", refused: false },
            { host: PARTNER_HOST, marker: "", refused: false },
        ]);
    });

    it("expects a 403 where allowedFrom does not admit the Job's namespace, and the page where it does", () => {
        const args = everyKindOfDestinationArgs();
        const [nginx, billing, bank] = args.destinations;
        const config = resolveConfig({
            ...args,
            destinations: [
                { ...nginx, allowedFrom: [{ namespace: "shop" }] },
                { ...billing, allowedFrom: [{ namespace: "egress-tls-verify" }] },
                { ...bank, allowedFrom: [{ namespace: "egress-tls-verify", serviceAccount: "other" }] },
            ],
        });
        assert.deepStrictEqual(verifyChecks(config.destinations, config.verifyNamespace).map((c) => c.refused), [true, false, true]);
    });
});

describe("the verify script, run by sh against a stand-in for the mesh", () => {
    it("passes when every page arrives, after the sidecar is ready, and stops the sidecar last", async () => {
        const result = await runScript(CHECKS, { [NGINX_HOST]: [{ status: 200, body: NGINX_PAGE }], [PARTNER_HOST]: [{ status: 204, body: "" }] });
        assert.strictEqual(result.code, 0, result.stderr);
        assert.deepStrictEqual(result.requests, [READY, `GET ${NGINX_HOST}/`, `GET ${PARTNER_HOST}/`, QUIT]);
        assert.match(result.stdout, new RegExp(`PASS http://${NGINX_HOST}/ \\(HTTP 200\\)`));
        assert.match(result.stdout, new RegExp(`PASS http://${PARTNER_HOST}/ \\(HTTP 204\\)`));
    });

    it("retries while the mesh's routes settle", async () => {
        const result = await runScript(CHECKS, {
            [NGINX_HOST]: [{ status: 503, body: "no healthy upstream" }, { status: 200, body: NGINX_PAGE }],
            [PARTNER_HOST]: [{ status: 200, body: "ok" }],
        });
        assert.strictEqual(result.code, 0, result.stderr);
        assert.strictEqual(result.requests.filter((r) => r === `GET ${NGINX_HOST}/`).length, 2);
    });

    it("fails when a server's page lacks its marker, still checks the other hosts, and still stops the sidecar", async () => {
        const result = await runScript(CHECKS, { [NGINX_HOST]: [{ status: 200, body: "some other page" }], [PARTNER_HOST]: [{ status: 200, body: "ok" }] });
        assert.notStrictEqual(result.code, 0);
        assert.match(result.stderr, new RegExp(`FAIL http://${NGINX_HOST}/: HTTP 200, but the page lacks "Welcome to nginx!" \\(attempt 3 of 3\\)`));
        assert.strictEqual(result.requests.filter((r) => r === `GET ${NGINX_HOST}/`).length, QUICK.attempts);
        assert.ok(result.requests.includes(`GET ${PARTNER_HOST}/`));
        assert.strictEqual(result.requests.at(-1), QUIT);
    });

    it("fails when an outside host answers with an error or a redirect", async () => {
        for (const status of [404, 502, 301]) {
            const result = await runScript([CHECKS[1]], { [PARTNER_HOST]: [{ status, body: "" }] });
            assert.notStrictEqual(result.code, 0, `HTTP ${status}`);
            assert.match(result.stderr, new RegExp(`FAIL http://${PARTNER_HOST}/: HTTP ${status}`));
        }
    });

    it("fails without fetching anything when no sidecar becomes ready", async () => {
        const result = await runScript(CHECKS, { [NGINX_HOST]: [{ status: 200, body: NGINX_PAGE }] }, false);
        assert.notStrictEqual(result.code, 0);
        assert.match(result.stderr, /istio-proxy is not ready/);
        assert.deepStrictEqual(result.requests, [READY, READY, QUIT]);
    });

    it("passes a refused check on HTTP 403 once the policy is in force, and fails it when the page keeps arriving", async () => {
        const refused: VerifyCheck[] = [{ host: PARTNER_HOST, marker: "", refused: true }];
        const passes = await runScript(refused, { [PARTNER_HOST]: [{ status: 200, body: "ok" }, { status: 403, body: "RBAC: access denied" }] });
        assert.strictEqual(passes.code, 0, passes.stderr);
        assert.match(passes.stdout, new RegExp(`PASS http://${PARTNER_HOST}/ refused \\(HTTP 403\\)`));
        const fails = await runScript(refused, { [PARTNER_HOST]: [{ status: 200, body: "ok" }] });
        assert.notStrictEqual(fails.code, 0);
        assert.match(fails.stderr, new RegExp(`FAIL http://${PARTNER_HOST}/: HTTP 200, but allowedFrom does not admit this caller \\(attempt 3 of 3\\)`));
    });

    it("fails an admitted check on HTTP 403", async () => {
        const result = await runScript([CHECKS[1]], { [PARTNER_HOST]: [{ status: 403, body: "RBAC: access denied" }] });
        assert.notStrictEqual(result.code, 0);
        assert.match(result.stderr, new RegExp(`FAIL http://${PARTNER_HOST}/: HTTP 403 \\(attempt 3 of 3\\)`));
    });

    it("matches a marker literally, quotes and shell characters included", async () => {
        const marker = `it's "$HOME" [a-z]*`;
        const passes = await runScript([{ host: NGINX_HOST, marker, refused: false }], { [NGINX_HOST]: [{ status: 200, body: `<p>${marker}</p>` }] });
        assert.strictEqual(passes.code, 0, passes.stderr);
        const fails = await runScript([{ host: NGINX_HOST, marker, refused: false }], { [NGINX_HOST]: [{ status: 200, body: "it's /root a" }] });
        assert.notStrictEqual(fails.code, 0);
    });
});

describe("the verify script as an ambient client (gateway.type waypoint)", () => {
    it("waits for no sidecar and stops none: ztunnel carries the pod's traffic", async () => {
        const pages = { [NGINX_HOST]: [{ status: 200, body: NGINX_PAGE }], [PARTNER_HOST]: [{ status: 204, body: "" }] };
        const result = await runScript(CHECKS, pages, false, AMBIENT_CLIENT);
        assert.strictEqual(result.code, 0, result.stderr);
        assert.deepStrictEqual(result.requests, [`GET ${NGINX_HOST}/`, `GET ${PARTNER_HOST}/`]);
    });

    it("runs a pod with nothing injected", () => {
        const { metadata } = (renderVerifyJobSpec("echo checked", AMBIENT_CLIENT) as any).template;
        assert.deepStrictEqual([metadata.labels, metadata.annotations], [{}, {}]);
    });
});

describe("renderVerifyJobSpec", () => {
    const spec = renderVerifyJobSpec("echo checked") as any;
    const template = spec.template;
    const container = template.spec.containers[0];

    it("fails by itself, with few retries, before Pulumi's 10-minute wait for the Job runs out", () => {
        assert.strictEqual(spec.backoffLimit, 1);
        assert.strictEqual(spec.activeDeadlineSeconds, VERIFY_DEADLINE_SECONDS);
        assert.ok(VERIFY_DEADLINE_SECONDS < 600);
        assert.strictEqual(template.spec.restartPolicy, "Never");
    });

    it("runs the script in a pinned curl image", () => {
        assert.deepStrictEqual(container.command, ["sh", "-c", "echo checked"]);
        assert.match(container.image, /^curlimages\/curl:\d+\.\d+\.\d+$/);
    });

    it("asks for a sidecar, a native one where Istio supports the choice", () => {
        assert.strictEqual(template.metadata.labels["sidecar.istio.io/inject"], "true");
        assert.strictEqual(template.metadata.annotations["sidecar.istio.io/nativeSidecar"], "true");
    });

    it("holds its own container to the restricted Pod Security Standard, with resources set", () => {
        assert.deepStrictEqual(restrictedViolations(template as PodTemplate), []);
        assert.strictEqual(container.securityContext.allowPrivilegeEscalation, false);
        assert.deepStrictEqual(container.securityContext.capabilities.drop, ["ALL"]);
        assert.deepStrictEqual(container.securityContext.seccompProfile, { type: "RuntimeDefault" });
        assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
        assert.ok(container.resources.limits.cpu && container.resources.limits.memory);
    });

    it("runs as a numeric non-root user other than the sidecar's 1337, whose traffic would bypass the mesh", () => {
        assert.strictEqual(container.securityContext.runAsNonRoot, true);
        assert.ok(Number.isInteger(container.securityContext.runAsUser) && container.securityContext.runAsUser > 0);
        assert.notStrictEqual(container.securityContext.runAsUser, 1337);
        assert.notStrictEqual(container.securityContext.runAsGroup, 1337);
    });
});

describe("EgressTlsOrigination without verify", () => {
    it("runs no Job and creates no verify namespace (the default)", async () => {
        const run = await runComponent(devStackArgs(), cheapProviders);
        assert.deepStrictEqual(run.ofType(JOB), []);
        assert.ok(!run.ofType(NAMESPACE).some((r) => r.inputs.metadata.name === "egress-tls-verify"));
    });
});

/** The component declared with `args` (once, before the suite's tests) and its verify Job. */
function verifySuite(args: EgressTlsOriginationArgs): { config: ReturnType<typeof resolveConfig>; declared: { run: ProgramRun; job: Registration } } {
    const declared = {} as { run: ProgramRun; job: Registration };
    before(async () => {
        declared.run = await runComponent(args, cheapProviders);
        declared.job = declared.run.get(JOB, childName(COMPONENT, "verify"));
    });
    return { config: resolveConfig(args), declared };
}

describe("EgressTlsOrigination with verify", () => {
    const args: EgressTlsOriginationArgs = { ...everyKindOfDestinationArgs(), verify: true, verifyNamespace: "mesh-check" };
    const { config, declared } = verifySuite(args);

    it("creates the sidecar-injected verify namespace and runs the Job in it", () => {
        const namespace = declared.run.get(NAMESPACE, "egress-tls-ns-mesh-check");
        assert.strictEqual(namespace.inputs.metadata.labels["istio-injection"], "enabled");
        assert.strictEqual(declared.job.inputs.metadata.namespace, "mesh-check");
        assert.strictEqual(declared.job.inputs.metadata.name, "egress-tls-verify");
        assert.ok(declared.job.dependencies.includes(namespace.urn));
    });

    it("runs after every VirtualService, origination DestinationRule and server Deployment", () => {
        for (const destination of config.destinations) {
            // The walkthrough's names: `direct-nginx-through-egress-gateway` in default, `originate-tls-for-nginx` in istio-system.
            const virtualService = declared.run.object("VirtualService", "default", `direct-${destination.name}-through-egress-gateway`);
            const origination = declared.run.object("DestinationRule", "istio-system", `originate-tls-for-${destination.name}`);
            assert.ok(declared.job.dependencies.includes(virtualService.urn), destination.name);
            assert.ok(declared.job.dependencies.includes(origination.urn), destination.name);
            if (destination.server) assert.ok(declared.job.dependencies.includes(declared.run.object("Deployment", destination.server.namespace, destination.server.name).urn), destination.name);
        }
    });

    it("fetches every destination's host", () => {
        const script: string = declared.job.inputs.spec.template.spec.containers[0].command[2];
        // The walkthrough's check (`curl -s http://my-nginx.mesh-external.svc.cluster.local` from a sidecar'd pod), for every
        // host: an in-cluster server must show nginx's page, an outside host any 2xx page.
        assert.deepStrictEqual(script.split("\n").filter((line) => line.startsWith("check ")), [
            "check 'my-nginx.mesh-external.svc.cluster.local' 'Welcome to nginx!' 0 || failed=1",
            "check 'billing.payments.svc.cluster.local' 'Welcome to nginx!' 0 || failed=1",
            "check 'api.bank.example.com' '' 0 || failed=1",
            "check 'api.partner.example.org' '' 0 || failed=1",
        ]);
        assert.match(script, /curl -sS --connect-timeout 10 --max-time 10 -w '%\{http_code\}' "http:\/\/\$host\/"/);
    });

    it("lets Pulumi wait for the Job, so a failed check fails the update", () => {
        assert.strictEqual(declared.job.inputs.metadata.annotations?.["pulumi.com/skipAwait"], undefined);
    });

    it("is replaced on every run, the old Job deleted first since the name is fixed", async () => {
        assert.strictEqual(declared.job.deleteBeforeReplace, true);
        assert.strictEqual(typeof declared.job.replacementTrigger, "string");
        const next = (await runComponent(args, cheapProviders)).get(JOB, childName(COMPONENT, "verify"));
        assert.notStrictEqual(next.replacementTrigger, declared.job.replacementTrigger);
        assert.deepStrictEqual(next.inputs, declared.job.inputs);
    });
});

describe("EgressTlsOrigination with verify, through a waypoint", () => {
    const args: EgressTlsOriginationArgs = { ...gatewayTypeArgs("waypoint"), verify: true };
    const { config, declared } = verifySuite(args);

    it("runs the Job in an ambient namespace, without sidecar injection", () => {
        const { labels } = declared.run.get(NAMESPACE, "egress-tls-ns-egress-tls-verify").inputs.metadata;
        assert.strictEqual(labels["istio.io/dataplane-mode"], "ambient");
        assert.strictEqual(labels["istio-injection"], undefined);
        assert.strictEqual(declared.job.inputs.spec.template.spec.containers[0].command[2], renderVerifyScript(verifyChecks(config.destinations, config.verifyNamespace), AMBIENT_CLIENT));
    });

    it("runs after every waypoint-bound ServiceEntry and origination DestinationRule", () => {
        for (const destination of config.destinations) {
            const serviceEntry = declared.run.object("ServiceEntry", "default", `${destination.name}-external`);
            const origination = declared.run.object("DestinationRule", "istio-egress", `originate-tls-for-${destination.name}`);
            assert.ok(declared.job.dependencies.includes(serviceEntry.urn) && declared.job.dependencies.includes(origination.urn), destination.name);
        }
    });
});
