import * as assert from "assert";
import { spawnSync } from "child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { MIN_PULUMI_VERSION, PULUMI_INSTALL, pulumiProblem, TEST_TOOLS_INSTALL, testProblems } from "../scripts/preflight";
import { REPO_ROOT } from "./support/repoPaths";

const PREFLIGHT = path.join(REPO_ROOT, "scripts", "preflight.js");

/** Facts of a machine whose PATH directories hold exactly `files` (full paths). */
function machine(files: string[], overrides: { path?: string; nodeVersion?: string } = {}) {
    return { path: overrides.path ?? "/usr/local/bin:/usr/bin:/bin", isExecutable: (file: string) => files.includes(file), nodeVersion: overrides.nodeVersion ?? "v20.19.0", engines: ">=20" };
}
const ALL_TOOLS = ["/usr/sbin/nginx", "/usr/bin/openssl", "/usr/bin/curl"];

describe("preflight: what npm test needs", () => {
    it("says nothing when nginx, openssl and curl are on PATH and Node is recent enough", () => {
        assert.strictEqual(testProblems(machine(ALL_TOOLS, { path: "/usr/sbin:/usr/bin" })), undefined);
        assert.strictEqual(testProblems(machine(ALL_TOOLS, { path: "/usr/sbin:/usr/bin", nodeVersion: "v22.1.0" })), undefined);
    });

    it("names every missing tool in one message with the README's install line", () => {
        const message = testProblems(machine([]))!;
        assert.match(message, /nginx, openssl, curl not found on PATH/);
        assert.ok(message.includes(TEST_TOOLS_INSTALL), message);
        assert.strictEqual(testProblems(machine(["/usr/bin/openssl", "/usr/bin/nginx"]))!.split("\n")[1], "- curl not found on PATH. The tests run them for real; on Debian or Ubuntu install them with:");
    });

    it("points at nginx in /usr/sbin when that is installed but not on an unprivileged user's PATH", () => {
        const message = testProblems(machine(ALL_TOOLS))!;
        assert.match(message, /- nginx not found on PATH/);
        assert.match(message, /\/usr\/sbin\/nginx exists: add \/usr\/sbin to PATH/);
    });

    it("refuses a Node major below package.json's engines, alongside missing tools, in the same message", () => {
        const message = testProblems(machine([], { nodeVersion: "v18.20.4" }))!;
        assert.match(message, /Node\.js v18\.20\.4 is too old: package.json needs >=20/);
        assert.match(message, /nginx, openssl, curl not found/);
        const engines = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).engines.node;
        assert.strictEqual(engines, ">=20");
    });

    it("gives the install line the README and docs/development.md give", () => {
        for (const doc of ["README.md", path.join("docs", "development.md")]) {
            assert.ok(readFileSync(path.join(REPO_ROOT, doc), "utf8").includes(TEST_TOOLS_INSTALL), `${doc} lacks "${TEST_TOOLS_INSTALL}"`);
        }
    });

    it("runs first in npm test, and stops it with exit code 1 on a PATH without nginx", () => {
        const scripts = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).scripts;
        assert.match(scripts.test, /^node scripts\/preflight\.js test && /);
        const bin = mkdtempSync(path.join(tmpdir(), "egress-tls-preflight-"));
        try {
            symlinkSync(process.execPath, path.join(bin, "node"));
            for (const tool of ["openssl", "curl"]) symlinkSync(path.join("/usr/bin", tool), path.join(bin, tool));
            const result = spawnSync(path.join(bin, "node"), [PREFLIGHT, "test"], { cwd: REPO_ROOT, env: { PATH: bin }, encoding: "utf8" });
            assert.strictEqual(result.status, 1, result.stderr);
            assert.strictEqual(result.stdout, "");
            assert.match(result.stderr, /^egress-tls: npm test cannot run on this machine:\n- nginx not found on PATH\./);
            assert.ok(result.stderr.includes(TEST_TOOLS_INSTALL), result.stderr);
        } finally {
            rmSync(bin, { recursive: true, force: true });
        }
    });
});

describe("preflight: the Pulumi CLI before up, preview and destroy", () => {
    it("accepts the minimum version and later ones", () => {
        for (const output of [`v${MIN_PULUMI_VERSION}\n`, "v3.210.1\n", "v4.0.0\n", "v3.208.1-dev.0\n"]) assert.strictEqual(pulumiProblem(output), undefined, output);
    });

    it("names what to install and where from when the CLI is missing, too old or unreadable", () => {
        const cases: [string | undefined, RegExp][] = [
            [undefined, /the Pulumi CLI \(pulumi\) is not on PATH/],
            ["v3.207.9\n", /the Pulumi CLI is v3\.207\.9, too old/],
            ["v2.25.2", /the Pulumi CLI is v2\.25\.2, too old/],
            ["", /cannot read the Pulumi CLI's version/],
        ];
        for (const [output, problem] of cases) {
            const message = pulumiProblem(output)!;
            assert.match(message, problem);
            assert.ok(message.includes(`${MIN_PULUMI_VERSION} or later`) && message.includes(PULUMI_INSTALL), message);
        }
    });

    it("runs before every pulumi command the npm scripts make, and reads the CLI on PATH", () => {
        const scripts = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).scripts;
        assert.match(scripts.pulumi, /^node scripts\/preflight\.js pulumi && /);
        for (const name of ["stack", "preview", "up", "destroy"]) assert.match(scripts[name], /npm run -s (stack|pulumi) --/, name);
        const bin = mkdtempSync(path.join(tmpdir(), "egress-tls-preflight-"));
        try {
            const fakePulumi = path.join(bin, "pulumi");
            const runWith = (version: string) => {
                writeFileSync(fakePulumi, `#!/bin/sh\necho ${version}\n`);
                chmodSync(fakePulumi, 0o755);
                return spawnSync(process.execPath, [PREFLIGHT, "pulumi"], { cwd: REPO_ROOT, env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8" });
            };
            const old = runWith("v3.100.0");
            assert.strictEqual(old.status, 1);
            assert.match(old.stderr, /the Pulumi CLI is v3\.100\.0, too old/);
            const recent = runWith(`v${MIN_PULUMI_VERSION}`);
            assert.strictEqual(recent.status, 0, recent.stderr);
            assert.strictEqual(recent.stderr, "");
        } finally {
            rmSync(bin, { recursive: true, force: true });
        }
    });
});
