import * as assert from "assert";
import { execFile, execFileSync } from "child_process";
import { createHash, createPublicKey, X509Certificate } from "crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { checkServerIdentity } from "tls";
import { promisify } from "util";
import { ResolvedDestination } from "../components/config";
import { dataPlanePerSuite, TLS_VERSIONS } from "./support/dataPlane";
import { TYPES } from "./support/fixtures";
import { ProgramRun, programRun, Registration } from "./support/harness";
import { layOutServerFiles, RunningNginx, serverDeployment, STOCK_INDEX_HTML } from "./support/nginx";
import { devStackArgs } from "./support/scenarios";
import { declaredUpstreamTls, requestPage, UpstreamTls } from "./support/tlsClient";

/** A fresh temp dir for files a test hands to openssl or curl, removed when `use` settles. */
async function withTempDir<T>(use: (dir: string) => Promise<T> | T): Promise<T> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "egress-tls-data-plane-"));
    try {
        return await use(dir);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** Every file under `dir`, relative, with its permission bits, owner and group. */
function fileModes(dir: string): { [file: string]: string } {
    return Object.fromEntries(readdirSync(dir, { recursive: true, encoding: "utf8" })
        .map((file) => [file, statSync(path.join(dir, file))] as const)
        .filter(([, stat]) => stat.isFile())
        .sort()
        .map(([file, stat]) => [file, `${(stat.mode & 0o777).toString(8)} ${stat.uid}:${stat.gid}`]));
}

/** Run as root, the layout is the kubelet's; as anyone else, each file is ours with the pod user's access (nginx.ts). */
const AS_ROOT = process.getuid?.() === 0;

describe("data plane: the dev stack's SIMPLE destination on real nginx", () => {
    const plane = dataPlanePerSuite(devStackArgs);
    let run: ProgramRun;
    let destination: ResolvedDestination & { server: NonNullable<ResolvedDestination["server"]> };
    let upstream: UpstreamTls;

    before(() => {
        run = plane.run;
        const [only] = plane.config.destinations;
        assert.ok(only.server && only.mode === "SIMPLE", "the dev stack is one SIMPLE destination with an in-cluster server");
        destination = { ...only, server: only.server };
        upstream = plane.upstream(destination.name);
    });

    const serve = (registrations?: ProgramRun) => plane.serve(destination.name, registrations);
    const request = (nginx: RunningNginx, options: { upstream?: UpstreamTls; tlsVersion?: "TLSv1.2" | "TLSv1.3"; ciphers?: string } = {}) =>
        requestPage({ port: nginx.port, host: destination.host, upstream, ...options });

    /** The run with the registrations `matches` picks (exactly one) replaced by `change` of them. */
    function altered(matches: (r: Registration) => boolean, change: (r: Registration) => Registration): ProgramRun {
        assert.strictEqual(run.registrations.filter(matches).length, 1);
        return programRun(run.registrations.map((r) => (matches(r) ? change(r) : r)));
    }

    it("is configured by its declared rule as the walkthrough states it: SNI and the name to check are the host", () => {
        assert.deepStrictEqual({ sni: upstream.sni, subjectAltNames: upstream.subjectAltNames, mutual: upstream.tlsKey !== undefined }, {
            sni: "my-nginx.mesh-external.svc.cluster.local",
            subjectAltNames: ["my-nginx.mesh-external.svc.cluster.local"],
            mutual: false,
        });
    });

    it("lays out each mount from the object it names, with Kubernetes' file modes, owners and groups", () => {
        const { rootfs } = layOutServerFiles(run, serverDeployment(run, destination.server));
        try {
            // fsGroup 101 gives the container's user (101) the Secrets' 0440 files through their group.
            const me = `${process.getuid?.()}:${process.getgid?.()}`;
            assert.deepStrictEqual(fileModes(rootfs), AS_ROOT ? {
                "etc/nginx-ca-certs/ca.crt": "440 0:101",
                "etc/nginx-server-certs/tls.crt": "440 0:101",
                "etc/nginx-server-certs/tls.key": "440 0:101",
                "etc/nginx/nginx.conf": "644 0:101",
                "usr/share/nginx/html/index.html": "644 0:0",
            } : {
                "etc/nginx-ca-certs/ca.crt": `400 ${me}`,
                "etc/nginx-server-certs/tls.crt": `400 ${me}`,
                "etc/nginx-server-certs/tls.key": `400 ${me}`,
                "etc/nginx/nginx.conf": `400 ${me}`,
                "usr/share/nginx/html/index.html": `400 ${me}`,
            });
            const serverCerts = run.object("Secret", destination.server.namespace, "nginx-server-certs").inputs.stringData;
            assert.strictEqual(readFileSync(path.join(rootfs, "etc/nginx-server-certs/tls.key"), "utf8"), serverCerts["tls.key"]);
            assert.strictEqual(readFileSync(path.join(rootfs, "etc/nginx-ca-certs/ca.crt"), "utf8"), upstream.caCrt);
            if (AS_ROOT) assert.strictEqual(statSync(path.join(rootfs, "tmp")).mode & 0o7777, 0o2777, "the emptyDir is writable, setgid to fsGroup");
        } finally {
            rmSync(path.dirname(rootfs), { recursive: true, force: true });
        }
    });

    it("runs nginx.conf changed only in its container paths and its listen line", async () => {
        const nginx = await serve();
        const { conf: original, rootfs, containerPaths, containerPorts } = nginx.files;
        const before = original.split("\n");
        const after = nginx.conf.split("\n");
        assert.strictEqual(after.length, before.length);
        const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[line, after[i]]]));
        const [listenChanges, pathChanges] = [changed.filter(([line]) => /^\s*listen\s/.test(line)), changed.filter(([line]) => !/^\s*listen\s/.test(line))];
        assert.deepStrictEqual(listenChanges, [[`    listen ${containerPorts[0]} ssl;`, `    listen 127.0.0.1:${nginx.port} ssl;`]]);
        for (const [line, rewritten] of pathChanges) {
            assert.strictEqual(rewritten.split(rootfs).join(""), line, "only the temp-dir prefix is added");
            for (const [, moved] of rewritten.matchAll(new RegExp(`${rootfs}(\\S*?)[;\\s]`, "g"))) {
                assert.ok(containerPaths.some((p) => moved === p || moved.startsWith(`${p}/`)), `${moved} is under a mount or the image's html root`);
            }
        }
        assert.ok(pathChanges.length > 0, "the conf names mounted files");
        const absolutePaths = [...nginx.conf.matchAll(/\s(\/[^\s;]*)/g)].map((match) => match[1]);
        assert.deepStrictEqual(absolutePaths.filter((p) => !p.startsWith(`${rootfs}/`)).sort(), ["/dev/stderr", "/dev/stderr", "/dev/stdout"],
            "every other absolute path in the running conf is under the laid-out container");
    });

    it("serves the nginx page to the gateway configured by the declared rule, and logs the request", async () => {
        const nginx = await serve();
        const page = await request(nginx);
        assert.strictEqual(page.status, 200);
        assert.strictEqual(page.body, STOCK_INDEX_HTML);
        const line = await nginx.waitForAccessLog(/"GET \/ HTTP\/1\.1"/);
        assert.match(line, new RegExp(`^127\\.0\\.0\\.1 - - \\[[^\\]]+\\]  200 "GET / HTTP/1\\.1" ${Buffer.byteLength(STOCK_INDEX_HTML)} `));
    });

    it("declares exactly TLS 1.2 and 1.3, and completes a handshake pinned to each", async () => {
        const nginx = await serve();
        const declared = [...nginx.files.conf.matchAll(/^\s*ssl_protocols\b.*$/gm)].map((match) => match[0].trim());
        assert.deepStrictEqual(declared, ["ssl_protocols TLSv1.2 TLSv1.3;"]);
        for (const tlsVersion of TLS_VERSIONS) {
            const page = await request(nginx, { tlsVersion });
            assert.deepStrictEqual([page.status, page.protocol], [200, tlsVersion]);
        }
    });

    describe("TLS 1.2 suites", () => {
        /** Suites nginx accepted before it had ssl_ciphers: no forward secrecy (static RSA key exchange), and CBC. */
        const FORBIDDEN = ["AES128-SHA", "AES128-GCM-SHA256", "AES256-SHA256"];

        it("refuses suites without forward secrecy or AEAD, and accepts ECDHE with AES-GCM", async () => {
            const nginx = await serve();
            for (const ciphers of FORBIDDEN) {
                await assert.rejects(request(nginx, { tlsVersion: "TLSv1.2", ciphers }), /handshake failure|no shared cipher/, ciphers);
            }
            const page = await request(nginx, { tlsVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES128-GCM-SHA256" });
            assert.deepStrictEqual([page.status, page.cipher], [200, "ECDHE-RSA-AES128-GCM-SHA256"]);
        });

        it("would accept them without the conf's ssl_ciphers: the refusal is the conf's, not this OpenSSL's", async () => {
            const isConfigMap = (r: Registration) => r.inputs.kind === "ConfigMap" && r.inputs.metadata.namespace === destination.server.namespace;
            const withoutCiphers = altered(isConfigMap, (r) => ({
                ...r, inputs: { ...r.inputs, data: { "nginx.conf": r.inputs.data["nginx.conf"].replace(/^\s*ssl_ciphers .*\n/m, "") } },
            }));
            const nginx = await serve(withoutCiphers);
            for (const ciphers of FORBIDDEN) {
                const page = await request(nginx, { tlsVersion: "TLSv1.2", ciphers });
                assert.deepStrictEqual([page.status, page.cipher], [200, ciphers]);
            }
        });
    });

    it("serves the page to curl, a second client, that talks only to the key the gateway's check accepted", async () => {
        const nginx = await serve();
        const accepted = await request(nginx);
        // curl's own check (against the URL's host) is off: the gateway's check is the rule's, made above on the same
        // server. curl is held to the key that check accepted, so it cannot reach any other server.
        const pin = `sha256//${createHash("sha256").update(accepted.serverPublicKey).digest("base64")}`;
        const url = `https://${destination.host}:${nginx.port}/`;
        const args = ["-sS", "--insecure", "--pinnedpubkey", pin, "--resolve", `${destination.host}:${nginx.port}:127.0.0.1`, "-w", "%{http_code}", url];
        assert.strictEqual((await promisify(execFile)("curl", args)).stdout, `${STOCK_INDEX_HTML}200`);
    });

    describe("a leaf signed by the destination's CA for another name", () => {
        /** The CA's key: the PrivateKey registration whose public key the CA certificate carries. */
        function caKeyPem(): string {
            const caPublicKey = new X509Certificate(upstream.caCrt).publicKey;
            const key = run.ofType(TYPES.privateKey).find((k) => createPublicKey(k.outputs.privateKeyPem).equals(caPublicKey));
            assert.ok(key, "the CA's private key is registered");
            return key.outputs.privateKeyPem;
        }

        /** The walkthrough's openssl commands for the server certificate (CN only), with `-extfile` when `san` is given. */
        function walkthroughLeaf(dir: string, commonName: string, san?: string): { certPem: string; keyPem: string } {
            writeFileSync(path.join(dir, "ca.crt"), upstream.caCrt);
            writeFileSync(path.join(dir, "ca.key"), caKeyPem());
            const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
            openssl("req", "-out", "leaf.csr", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-subj", `/CN=${commonName}/O=some organization`);
            const extfile = san === undefined ? [] : ["-extfile", "san.cnf"];
            if (san !== undefined) writeFileSync(path.join(dir, "san.cnf"), `subjectAltName = ${san}\n`);
            openssl("x509", "-req", "-days", "365", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "0", "-in", "leaf.csr", "-out", "leaf.crt", ...extfile);
            return { certPem: readFileSync(path.join(dir, "leaf.crt"), "utf8"), keyPem: readFileSync(path.join(dir, "leaf.key"), "utf8") };
        }

        /** The run, with the server's TLS Secret holding `leaf` instead of the component's certificate. */
        function withServerLeaf(leaf: { certPem: string; keyPem: string }, base = run): ProgramRun {
            const isServerSecret = (r: Registration) => r.inputs.kind === "Secret" && r.inputs.metadata.namespace === destination.server.namespace && r.inputs.stringData?.["tls.key"] !== undefined;
            assert.strictEqual(base.registrations.filter(isServerSecret).length, 1);
            return programRun(base.registrations.map((r) => (isServerSecret(r)
                ? { ...r, inputs: { ...r.inputs, stringData: { "tls.crt": leaf.certPem, "tls.key": leaf.keyPem } } }
                : r)));
        }

        const ATTACKER = "attacker.example.net";

        it("is refused by the gateway: the rule names the host, and the CA alone is not enough", async () => {
            const leaf = await withTempDir((dir) => walkthroughLeaf(dir, ATTACKER, `DNS:${ATTACKER}`));
            const nginx = await serve(withServerLeaf(leaf));
            // The name check runs only on a chain that verified: this error means the CA was trusted and the name was not.
            await assert.rejects(request(nginx), new RegExp(`subjectAltName \\(DNS:${ATTACKER}\\) matches none of ${destination.host}`));
        });

        it("was accepted under the old rule, with sni and no subjectAltNames: Istio then checks no name at all", async () => {
            const leaf = await withTempDir((dir) => walkthroughLeaf(dir, ATTACKER, `DNS:${ATTACKER}`));
            const isOrigination = (r: Registration) => r.inputs.kind === "DestinationRule" && r.inputs.spec.host === destination.host && r.inputs.spec.trafficPolicy?.portLevelSettings !== undefined;
            const oldRule = altered(isOrigination, (r) => {
                const spec = structuredClone(r.inputs.spec);
                delete spec.trafficPolicy.portLevelSettings[0].tls.subjectAltNames;
                return { ...r, inputs: { ...r.inputs, spec } };
            });
            const gapUpstream = declaredUpstreamTls(oldRule, plane.config.gateway.namespace, destination);
            assert.deepStrictEqual([gapUpstream.sni, gapUpstream.subjectAltNames], [destination.host, []]);
            const nginx = await serve(withServerLeaf(leaf, oldRule));
            const page = await request(nginx, { upstream: gapUpstream });
            assert.deepStrictEqual([page.status, page.body], [200, STOCK_INDEX_HTML], "the gap: a certificate for another name is served to the gateway");
        });

        for (const [label, san] of [["without subjectAltName (the walkthrough's own)", undefined], ["naming another host", "DNS:other.example.com"]] as const) {
            it(`is refused when only its CN is the host: ${label}`, async () => {
                const leaf = await withTempDir((dir) => walkthroughLeaf(dir, destination.host, san));
                if (san === undefined) {
                    assert.strictEqual(checkServerIdentity(destination.host, new X509Certificate(leaf.certPem).toLegacyObject()), undefined,
                        "Node's default check accepts it by its CN: the pitfall the Envoy-rule check guards against");
                }
                const nginx: RunningNginx = await serve(withServerLeaf(leaf));
                await assert.rejects(request(nginx), /subjectAltName .* matches none of .*; its CN is not considered/);
            });
        }
    });
});

describe("data plane: an in-cluster destination with its own subjectAltNames, on real nginx", () => {
    const ALSO_KNOWN_AS = "nginx.partner-mirror.example.com";
    const plane = dataPlanePerSuite(() => {
        const [nginx] = devStackArgs().destinations;
        return { ...devStackArgs(), ca: { ...devStackArgs().ca, algorithm: "ECDSA" }, destinations: [{ ...nginx, subjectAltNames: [ALSO_KNOWN_AS] }] };
    });

    it("is checked against the configured name, which the server's certificate carries", async () => {
        const upstream = plane.upstream("nginx");
        assert.deepStrictEqual(upstream.subjectAltNames, [ALSO_KNOWN_AS], "the rule names the configured name alone");
        const nginx = await plane.serve("nginx");
        const page = await requestPage({ port: nginx.port, host: plane.destination("nginx").host, upstream });
        assert.deepStrictEqual([page.status, page.body], [200, STOCK_INDEX_HTML]);
    });
});
