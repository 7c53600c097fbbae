import * as assert from "assert";
import { execFile, execFileSync } from "child_process";
import { createPublicKey, X509Certificate } from "crypto";
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
import { GatewayCredential, requestPage } from "./support/tlsClient";

/** A fresh temp dir for files a test hands to openssl or curl, removed when `use` settles. */
async function withTempDir<T>(use: (dir: string) => Promise<T> | T): Promise<T> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "egress-tls-data-plane-"));
    try {
        return await use(dir);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** Every file under `dir`, relative, with its permission bits. */
function fileModes(dir: string): { [file: string]: string } {
    return Object.fromEntries(readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((file) => statSync(path.join(dir, file)).isFile())
        .sort()
        .map((file) => [file, (statSync(path.join(dir, file)).mode & 0o777).toString(8)]));
}

describe("data plane: the dev stack's SIMPLE destination on real nginx", () => {
    const plane = dataPlanePerSuite(devStackArgs);
    let run: ProgramRun;
    let destination: ResolvedDestination & { server: NonNullable<ResolvedDestination["server"]> };
    let credential: GatewayCredential;

    before(() => {
        run = plane.run;
        const [only] = plane.config.destinations;
        assert.ok(only.server && only.mode === "SIMPLE", "the dev stack is one SIMPLE destination with an in-cluster server");
        destination = { ...only, server: only.server };
        credential = plane.credential(destination.name);
    });

    const serve = (registrations?: ProgramRun) => plane.serve(destination.name, registrations);

    it("lays out each mount from the object it names, with Kubernetes' file modes", () => {
        const { rootfs } = layOutServerFiles(run, serverDeployment(run, destination.server));
        try {
            assert.deepStrictEqual(fileModes(rootfs), {
                "etc/nginx-ca-certs/ca.crt": "440",
                "etc/nginx-server-certs/tls.crt": "440",
                "etc/nginx-server-certs/tls.key": "440",
                "etc/nginx/nginx.conf": "644",
                "usr/share/nginx/html/index.html": "644",
            });
            const serverCerts = run.object("Secret", destination.server.namespace, "nginx-server-certs").inputs.stringData;
            assert.strictEqual(readFileSync(path.join(rootfs, "etc/nginx-server-certs/tls.key"), "utf8"), serverCerts["tls.key"]);
            assert.strictEqual(readFileSync(path.join(rootfs, "etc/nginx-ca-certs/ca.crt"), "utf8"), credential.caCrt);
            assert.strictEqual(statSync(path.join(rootfs, "tmp")).mode & 0o777, 0o777, "the emptyDir is writable");
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

    it("serves the nginx page to the gateway trusting the credential's CA, and logs the request", async () => {
        const nginx = await serve();
        const page = await requestPage({ port: nginx.port, host: destination.host, credential });
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
            const page = await requestPage({ port: nginx.port, host: destination.host, credential, tlsVersion });
            assert.deepStrictEqual([page.status, page.protocol], [200, tlsVersion]);
        }
    });

    it("is refused by a gateway asking for another host name", async () => {
        const nginx = await serve();
        const otherHost = `other.${destination.server.namespace}.svc.cluster.local`;
        await assert.rejects(requestPage({ port: nginx.port, host: otherHost, credential }), new RegExp(`does not name ${otherHost}`));
    });

    it("serves the page to curl, a second client, trusting only ca.crt", async () => {
        const nginx = await serve();
        const output = await withTempDir(async (dir) => {
            const caFile = path.join(dir, "ca.crt");
            writeFileSync(caFile, credential.caCrt);
            const url = `https://${destination.host}:${nginx.port}/`;
            const args = ["-sS", "--cacert", caFile, "--resolve", `${destination.host}:${nginx.port}:127.0.0.1`, "-w", "%{http_code}", url];
            return (await promisify(execFile)("curl", args)).stdout;
        });
        assert.strictEqual(output, `${STOCK_INDEX_HTML}200`);
    });

    describe("a leaf from the destination's CA whose CN is the host but whose subjectAltName is not", () => {
        /** The CA's key: the PrivateKey registration whose public key the CA certificate carries. */
        function caKeyPem(): string {
            const caPublicKey = new X509Certificate(credential.caCrt).publicKey;
            const key = run.ofType(TYPES.privateKey).find((k) => createPublicKey(k.outputs.privateKeyPem).equals(caPublicKey));
            assert.ok(key, "the CA's private key is registered");
            return key.outputs.privateKeyPem;
        }

        /** The walkthrough's openssl commands for the server certificate (CN only), with `-extfile` when `san` is given. */
        function walkthroughLeaf(dir: string, san?: string): { certPem: string; keyPem: string } {
            writeFileSync(path.join(dir, "ca.crt"), credential.caCrt);
            writeFileSync(path.join(dir, "ca.key"), caKeyPem());
            const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
            openssl("req", "-out", "leaf.csr", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-subj", `/CN=${destination.host}/O=some organization`);
            const extfile = san === undefined ? [] : ["-extfile", "san.cnf"];
            if (san !== undefined) writeFileSync(path.join(dir, "san.cnf"), `subjectAltName = ${san}\n`);
            openssl("x509", "-req", "-days", "365", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "0", "-in", "leaf.csr", "-out", "leaf.crt", ...extfile);
            return { certPem: readFileSync(path.join(dir, "leaf.crt"), "utf8"), keyPem: readFileSync(path.join(dir, "leaf.key"), "utf8") };
        }

        /** The run, with the server's TLS Secret holding `leaf` instead of the component's certificate. */
        function withServerLeaf(leaf: { certPem: string; keyPem: string }): ProgramRun {
            const isServerSecret = (r: Registration) => r.inputs.kind === "Secret" && r.inputs.metadata.namespace === destination.server.namespace && r.inputs.stringData?.["tls.key"] !== undefined;
            assert.strictEqual(run.registrations.filter(isServerSecret).length, 1);
            return programRun(run.registrations.map((r) => (isServerSecret(r)
                ? { ...r, inputs: { ...r.inputs, stringData: { "tls.crt": leaf.certPem, "tls.key": leaf.keyPem } } }
                : r)));
        }

        for (const [label, san] of [["without subjectAltName (the walkthrough's own)", undefined], ["naming another host", "DNS:other.example.com"]] as const) {
            it(`is refused by the strict client: ${label}`, async () => {
                const leaf = await withTempDir((dir) => walkthroughLeaf(dir, san));
                if (san === undefined) {
                    assert.strictEqual(checkServerIdentity(destination.host, new X509Certificate(leaf.certPem).toLegacyObject()), undefined,
                        "Node's default check accepts it by its CN: the pitfall the strict client guards against");
                }
                const nginx: RunningNginx = await serve(withServerLeaf(leaf));
                // The SAN check runs only on a chain that verified: this error means the CA was trusted and the name was not.
                await assert.rejects(requestPage({ port: nginx.port, host: destination.host, credential }), /subjectAltName .* does not name .*; its CN is not considered/);
            });
        }
    });
});
