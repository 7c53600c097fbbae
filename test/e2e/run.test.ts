import * as assert from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse } from "yaml";
import { resolveConfig } from "../../components/config";
import { DEFAULTS, GATEWAY_TYPES } from "../../components/config/resolved";
import { REPO_ROOT } from "../support/repoPaths";
import { devStackArgs } from "../support/scenarios";

// The real e2e (a cluster, Istio, `pulumi up`) never runs inside `npm test`: these tests run the script's paths that
// stop before anything is deployed, with stand-in CLIs, and report a test they cannot run as pending with the reason.

const SCRIPT = path.join(__dirname, "run.sh");
const WORKFLOW = path.join(REPO_ROOT, ".github", "workflows", "e2e.yml");

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

function runScript(env: { [name: string]: string }, shell = "bash"): SpawnSyncReturns<string> {
    const { E2E_KUBE_CONTEXT: _context, E2E_REQUIRE: _require, E2E_SCENARIOS: _scenarios, ...inherited } = process.env;
    return spawnSync(shell, [SCRIPT], { env: { ...inherited, ...env }, encoding: "utf8", timeout: 120_000 });
}

/**
 * A kubectl that answers from STANDIN_* variables: the contexts it has, the current one, the nodes' provider IDs, and
 * the objects that exist (`<resource>/<name>`). It records every call.
 */
const STANDIN_KUBECTL = `#!/usr/bin/env bash
args=()
while (($#)); do case "$1" in --context) shift 2 ;; --context=*|--request-timeout=*) shift ;; *) args+=("$1"); shift ;; esac; done
set -- "\${args[@]}"
echo "kubectl $*" >> "$CLI_CALLS"
case "$1 $2" in
    "config get-contexts") printf '%s\\n' $STANDIN_CONTEXTS ;;
    "config current-context") [[ -n "$STANDIN_CURRENT" ]] && echo "$STANDIN_CURRENT" || exit 1 ;;
    "get --raw=/readyz") echo ok ;;
    "get nodes") echo "$STANDIN_PROVIDER" ;;
    "get crd") echo "customresourcedefinition/$3" ;;
    get\\ *) [[ " $STANDIN_EXISTING " != *" $2/$3 "* ]] || echo "$2/$3" ;;
esac
`;

/** A pulumi that creates nothing: stack and config commands succeed, anything else (up, preview, destroy) fails. */
const STANDIN_PULUMI = `#!/bin/sh
echo "pulumi $*" >> "$CLI_CALLS"
case "$*" in *"stack init"*|*"config set"*|*"stack rm"*) exit 0 ;; *) exit 97 ;; esac
`;

describe("the real-cluster e2e script (test/e2e/run.sh)", () => {
    let scratch: string;
    let cliCalls: string;
    const callsToClis = () => (existsSync(cliCalls) ? readFileSync(cliCalls, "utf8") : "");

    beforeEach(() => {
        scratch = mkdtempSync(path.join(tmpdir(), "egress-tls-e2e-test-"));
        cliCalls = `${scratch}/cli-calls`;
    });

    afterEach(() => {
        rmSync(scratch, { recursive: true, force: true });
    });

    /** PATH with these stand-ins (name → script) ahead of any real one of the same name. */
    function standIns(scripts: { [cli: string]: string }): string {
        for (const [cli, script] of Object.entries(scripts)) {
            writeFileSync(`${scratch}/${cli}`, script);
            chmodSync(`${scratch}/${cli}`, 0o755);
        }
        return [scratch, ...SEARCH_PATH].join(path.delimiter);
    }

    it("is valid bash, and so is every scenario", () => {
        for (const file of [SCRIPT, ...readdirSync(path.join(__dirname, "scenarios")).filter((f) => f.endsWith(".sh")).map((f) => path.join(__dirname, "scenarios", f))]) {
            const check = spawnSync("bash", ["-n", file], { encoding: "utf8" });
            assert.strictEqual(check.status, 0, `${file}: ${check.stderr}`);
        }
    });

    it("takes the gateway type as its argument, and refuses one that is not istio, gateway-api or waypoint before doing anything", () => {
        const before = e2eStackFiles();
        const run = spawnSync("bash", [SCRIPT, "ambient"], { env: { PATH: process.env.PATH, CLI_CALLS: cliCalls }, encoding: "utf8" });
        assert.strictEqual(run.status, 2, run.stdout);
        assert.match(run.stderr, /usage: run.sh \[istio\|gateway-api\|waypoint\] \(the gateway.type to test\), not "ambient"/);
        assert.ok(!existsSync(cliCalls), "no CLI was called");
        assert.deepStrictEqual(e2eStackFiles(), before);
    });

    it("refuses a shell older than bash 4.4 before doing anything", function () {
        const sh = spawnSync("sh", ["-c", "echo \"${BASH_VERSION:-}\""], { encoding: "utf8" });
        if (sh.error || sh.stdout.trim() !== "") this.skip(); // sh is bash here: no older shell to run it with
        const run = runScript({ CLI_CALLS: cliCalls }, "sh");
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /^e2e: FAIL: bash >= 4\.4 is required/m);
        assert.strictEqual(callsToClis(), "");
    });

    it("skips with exit 0 and names the missing CLI when pulumi is not on PATH, leaving no stack file", () => {
        const before = e2eStackFiles();
        const run = runScript({ PATH: pathWithout("pulumi") });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.match(run.stdout, /^e2e: SKIP: missing command\(s\): .*\bpulumi\b/m);
        assert.deepStrictEqual(e2eStackFiles(), before);
    });

    for (const value of ["1", "true"]) {
        it(`fails instead of skipping with E2E_REQUIRE=${value}, so CI cannot pass without running it`, () => {
            const run = runScript({ PATH: pathWithout("pulumi"), E2E_REQUIRE: value });
            assert.strictEqual(run.status, 1);
            assert.match(run.stderr, /^e2e: FAIL: cannot run: missing command\(s\): .*\bpulumi\b/m);
        });
    }

    describe("with every CLI present but no cluster", function () {
        let searchPath: string;

        beforeEach(function () {
            if (!onPath("kubectl")) this.skip(); // the skip comes from a real kubectl finding no cluster
            const recorder = (cli: string) => `#!/bin/sh\necho "${cli} $*" >> "${cliCalls}"\nexit 97\n`;
            searchPath = standIns({ pulumi: recorder("pulumi"), istioctl: recorder("istioctl") });
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

    describe("with a stand-in kubectl answering for a reachable cluster", () => {
        let searchPath: string;

        beforeEach(() => {
            const recorder = `#!/bin/sh\necho "istioctl $*" >> "${cliCalls}"\nexit 97\n`;
            searchPath = standIns({ kubectl: STANDIN_KUBECTL, pulumi: STANDIN_PULUMI, istioctl: recorder });
        });

        const cluster = (env: { [name: string]: string }) => ({
            PATH: searchPath, CLI_CALLS: cliCalls, STANDIN_CONTEXTS: "prod kind-egress-tls", STANDIN_CURRENT: "prod",
            STANDIN_PROVIDER: "aws:///eu-west-1a/i-0abc", STANDIN_EXISTING: "", ...env,
        });

        it("fails, not skips, when E2E_KUBE_CONTEXT names a context kubectl does not have", () => {
            const run = runScript(cluster({ E2E_KUBE_CONTEXT: "kind-typo" }));
            assert.strictEqual(run.status, 1, run.stdout);
            assert.match(run.stderr, /^e2e: FAIL: E2E_KUBE_CONTEXT names kube context "kind-typo", which kubectl's config does not have/m);
            assert.doesNotMatch(callsToClis(), /^pulumi/m);
        });

        it("refuses a current context that is not a kind cluster, and says how to name it", () => {
            const run = runScript(cluster({}));
            assert.strictEqual(run.status, 1, run.stdout);
            assert.match(run.stderr, /kube context "prod" is not a kind cluster; to test against it anyway, name it: E2E_KUBE_CONTEXT=prod/);
            assert.doesNotMatch(callsToClis(), /^pulumi/m);
        });

        it("uses a non-kind context that E2E_KUBE_CONTEXT names, but stops before pulumi up when an object the stack would declare exists, touching nothing and leaving no stack file", () => {
            const before = e2eStackFiles();
            const run = runScript(cluster({ E2E_KUBE_CONTEXT: "prod", STANDIN_EXISTING: "secrets/client-credential-cacert services/my-nginx namespaces/egress-tls-e2e-client" }));
            assert.strictEqual(run.status, 1, run.stdout);
            assert.doesNotMatch(run.stderr, /not a kind cluster/);
            assert.match(run.stderr, /exist already and a destroy of this stack could delete them, so nothing was deployed: .*secrets istio-system\/client-credential-cacert.*services mesh-external\/my-nginx.*Namespace egress-tls-e2e-client/);
            const calls = callsToClis();
            assert.doesNotMatch(calls, /^pulumi (.* )?(up|destroy|preview)\b/m);
            assert.doesNotMatch(calls, /^kubectl (apply|create|delete|label)\b/m);
            assert.deepStrictEqual(e2eStackFiles(), before);
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

describe("the e2e workflow (.github/workflows/e2e.yml)", () => {
    const workflow = parse(readFileSync(WORKFLOW, "utf8"));
    const steps: { uses?: string; run?: string }[] = workflow.jobs.e2e.steps;

    it("pins every action to a full commit SHA", () => {
        const actions = steps.filter((s) => s.uses).map((s) => s.uses!);
        assert.ok(actions.length >= 4);
        for (const action of actions) assert.match(action, /^[\w-]+\/[\w-]+@[0-9a-f]{40}$/, action);
    });

    it("runs every gateway type, each with the run.sh argument that installs what it needs", () => {
        assert.deepStrictEqual(workflow.jobs.e2e.strategy.matrix.gateway, [...GATEWAY_TYPES]);
        assert.ok(steps.some((s) => s.run === 'bash test/e2e/run.sh "${{ matrix.gateway }}"'));
    });

    it("runs the two newest supported Istio minors, the newest being gateway.chartVersion's default", () => {
        const versions: string[] = workflow.jobs.e2e.strategy.matrix.istio;
        assert.strictEqual(versions.length, 2);
        assert.strictEqual(versions[0], DEFAULTS.gateway.chartVersion);
        const minors = versions.map((v) => Number(v.split(".")[1]));
        assert.strictEqual(minors[0] - minors[1], 1);
    });

    it("verifies the checksum of every binary it downloads", () => {
        const downloads = steps.filter((s) => s.run?.includes("curl -fsSLo"));
        assert.strictEqual(downloads.length, 3); // kind, kubectl, istioctl
        for (const step of downloads) assert.match(step.run!, /sha256sum --check --strict/);
    });

    it("has README.md and docs/e2e.md create the cluster with the workflow's pinned kind node image", () => {
        const image: string = workflow.env.KIND_NODE_IMAGE;
        assert.match(image, /^kindest\/node:v[\d.]+@sha256:[0-9a-f]{64}$/);
        for (const doc of ["README.md", "docs/e2e.md"]) {
            const creates = readFileSync(path.join(REPO_ROOT, doc), "utf8").split("\n").filter((line) => line.includes("kind create cluster"));
            assert.ok(creates.length > 0, doc);
            for (const line of creates) assert.ok(line.includes(`--image ${image}`), `${doc}: ${line.trim()}`);
        }
    });
});
