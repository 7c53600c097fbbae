import * as assert from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { resolveConfig } from "../../components/config";
import { REPO_ROOT } from "../support/repoPaths";
import { devStackArgs } from "../support/scenarios";

const SCRIPT = path.join(__dirname, "run.sh");

function isExecutable(file: string): boolean {
    try {
        accessSync(file, constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

const SEARCH_PATH = (process.env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");

function onPath(command: string): boolean {
    return SEARCH_PATH.some((dir) => isExecutable(path.join(dir, command)));
}

/** This process's PATH without the folders that hold any of `commands`. */
function pathWithout(...commands: string[]): string {
    return SEARCH_PATH.filter((dir) => !commands.some((command) => isExecutable(path.join(dir, command)))).join(path.delimiter);
}

/** Stack config files the script copies next to Pulumi.yaml while it runs. */
function e2eStackFiles(): string[] {
    return readdirSync(REPO_ROOT).filter((file) => /^Pulumi\.e2e-.*\.yaml$/.test(file));
}

function runScript(env: { [name: string]: string }): SpawnSyncReturns<string> {
    const { E2E_KUBE_CONTEXT: _context, E2E_REQUIRE: _require, ...inherited } = process.env;
    return spawnSync("bash", [SCRIPT], { env: { ...inherited, ...env }, encoding: "utf8", timeout: 60_000 });
}

describe("the real-cluster e2e script (test/e2e/run.sh)", () => {
    let scratch: string;

    beforeEach(() => {
        scratch = mkdtempSync(path.join(tmpdir(), "egress-tls-e2e-test-"));
    });

    afterEach(() => {
        rmSync(scratch, { recursive: true, force: true });
    });

    it("is valid bash", () => {
        const check = spawnSync("bash", ["-n", SCRIPT], { encoding: "utf8" });
        assert.strictEqual(check.status, 0, check.stderr);
    });

    it("skips with exit 0 and names the missing CLI when pulumi is not on PATH, leaving no stack file", () => {
        const before = e2eStackFiles();
        const run = runScript({ PATH: pathWithout("pulumi") });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.match(run.stdout, /^e2e: SKIP: missing command\(s\): .*\bpulumi\b/m);
        assert.deepStrictEqual(e2eStackFiles(), before);
    });

    it("fails instead of skipping with E2E_REQUIRE=1, so CI cannot pass without running it", () => {
        const run = runScript({ PATH: pathWithout("pulumi"), E2E_REQUIRE: "1" });
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /^e2e: FAIL: cannot run: missing command\(s\): .*\bpulumi\b/m);
    });

    describe("with every CLI present but no cluster", function () {
        let cliCalls: string;
        let searchPath: string;
        const callsToClis = () => (existsSync(cliCalls) ? readFileSync(cliCalls, "utf8") : "");

        beforeEach(function () {
            if (!onPath("kubectl")) this.skip(); // the skip comes from a real kubectl finding no cluster
            // pulumi and istioctl that record any call: the script must stop before it uses them.
            cliCalls = `${scratch}/cli-calls`;
            for (const cli of ["pulumi", "istioctl"]) {
                writeFileSync(`${scratch}/${cli}`, `#!/bin/sh\necho "${cli} $*" >> "${cliCalls}"\nexit 97\n`);
                chmodSync(`${scratch}/${cli}`, 0o755);
            }
            searchPath = [scratch, pathWithout("pulumi", "istioctl")].join(path.delimiter);
        });

        it("skips when kubectl has no current context", () => {
            const run = runScript({ PATH: searchPath, KUBECONFIG: `${scratch}/no-kubeconfig` });
            assert.strictEqual(run.status, 0, run.stderr);
            assert.match(run.stdout, /^e2e: SKIP: kubectl has no current context/m);
            assert.strictEqual(callsToClis(), "");
        });

        it("skips when the context's API server does not answer", () => {
            // A context whose server is a closed port on loopback: the connection is refused at once.
            writeFileSync(`${scratch}/kubeconfig`, [
                "apiVersion: v1", "kind: Config", "current-context: nowhere",
                "clusters: [{name: closed-port, cluster: {server: 'https://127.0.0.1:1'}}]",
                "users: [{name: nobody, user: {token: none}}]",
                "contexts: [{name: nowhere, context: {cluster: closed-port, user: nobody}}]",
            ].join("\n"));
            const run = runScript({ PATH: searchPath, KUBECONFIG: `${scratch}/kubeconfig` });
            assert.strictEqual(run.status, 0, run.stderr);
            assert.match(run.stdout, /^e2e: SKIP: the cluster of kube context "nowhere" is not reachable/m);
            assert.strictEqual(callsToClis(), "");
        });
    });

    it("deploys a stack config the program accepts: two in-cluster destinations, SIMPLE and MUTUAL, each with its own CA", () => {
        const resolved = resolveConfig(devStackArgs(path.join(__dirname, "Pulumi.e2e.yaml")));
        assert.deepStrictEqual(resolved.destinations.map((d) => [d.name, d.mode, d.caCertPem, d.server?.namespace]), [
            ["nginx", "SIMPLE", undefined, "mesh-external"],
            ["nginx-mutual", "MUTUAL", undefined, "mesh-external-mutual"],
        ]);
    });
});
