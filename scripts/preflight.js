// @ts-check
"use strict";
// Checks what a command needs before it starts, so a missing tool fails in a second with one message that says what to
// install, instead of minutes later as `spawn nginx ENOENT` or `sh: 1: pulumi: not found`.
//   node scripts/preflight.js test     before `npm test`: nginx, openssl, curl on PATH and Node's major version
//   node scripts/preflight.js pulumi   before every `npm run pulumi` (and so up, preview, destroy): the Pulumi CLI's version
// Plain JavaScript, type-checked by tsc (checkJs), so it starts in milliseconds and runs on any Node that can say it is
// too old. The checks are pure functions of what is found; main() only gathers the facts.

const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

/** What the tests run for real (they start nginx and talk TLS to it), and the README's line that installs them. */
const TEST_TOOLS = ["nginx", "openssl", "curl"];
const TEST_TOOLS_INSTALL = "sudo apt-get install -y nginx-light openssl curl";
/** Debian puts nginx in /usr/sbin, which is not on an unprivileged user's PATH. */
const SBIN_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];
/** The engine must honour the `replacementTrigger` resource option: the verify Job and the dedicated gateway's Helm release use it. */
const MIN_PULUMI_VERSION = "3.208.0";
const PULUMI_INSTALL = "https://www.pulumi.com/docs/install/";

/**
 * @typedef {{ path: string, isExecutable: (file: string) => boolean, nodeVersion: string, engines: string }} TestFacts
 * `path` is a PATH value; `engines` is package.json's `engines.node`, e.g. ">=20".
 */

/**
 * The one message that stops `npm test`, or undefined when nothing is missing.
 * @param {TestFacts} facts
 * @returns {string | undefined}
 */
function testProblems(facts) {
    const dirs = facts.path.split(path.delimiter).filter(Boolean);
    const find = (/** @type {string[]} */ inDirs, /** @type {string} */ tool) => inDirs.map((dir) => path.join(dir, tool)).find(facts.isExecutable);
    const missing = TEST_TOOLS.filter((tool) => !find(dirs, tool));
    const problems = [];
    if (missing.length > 0) {
        const outsidePath = missing.map((tool) => find(SBIN_DIRS, tool)).filter(Boolean);
        problems.push(`${missing.join(", ")} not found on PATH. The tests run them for real; on Debian or Ubuntu install them with:\n    ${TEST_TOOLS_INSTALL}`
            + outsidePath.map((file) => `\n  (${file} exists: add ${path.dirname(/** @type {string} */ (file))} to PATH)`).join(""));
    }
    const required = Number((/\d+/.exec(facts.engines) || ["0"])[0]);
    const major = Number(facts.nodeVersion.replace(/^v/, "").split(".")[0]);
    if (major < required) {
        problems.push(`Node.js ${facts.nodeVersion} is too old: package.json needs ${facts.engines} (engines.node). Install Node.js ${required} or later: https://nodejs.org/en/download`);
    }
    if (problems.length === 0) return undefined;
    return `egress-tls: npm test cannot run on this machine:\n- ${problems.join("\n- ")}`;
}

/**
 * The one message that stops a `pulumi` command, or undefined when the CLI is recent enough.
 * @param {string | undefined} versionOutput what `pulumi version` printed (e.g. "v3.208.0"); undefined when it could not run
 * @returns {string | undefined}
 */
function pulumiProblem(versionOutput) {
    const install = `Install the Pulumi CLI ${MIN_PULUMI_VERSION} or later (the engine must honour the replacementTrigger option: it re-runs the verify Job at every up and replaces the dedicated gateway's Helm release when gateway.selector changes): ${PULUMI_INSTALL}`;
    if (versionOutput === undefined) return `egress-tls: the Pulumi CLI (pulumi) is not on PATH. ${install}`;
    const version = /v?(\d+)\.(\d+)\.(\d+)/.exec(versionOutput);
    if (!version) return `egress-tls: cannot read the Pulumi CLI's version from "${versionOutput.trim()}". ${install}`;
    if (compareVersions(version.slice(1).map(Number), MIN_PULUMI_VERSION.split(".").map(Number)) < 0) {
        return `egress-tls: the Pulumi CLI is ${version[0]}, too old. ${install}`;
    }
    return undefined;
}

/** @param {number[]} a @param {number[]} b */
function compareVersions(a, b) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) - (b[i] || 0);
    }
    return 0;
}

/** @param {string} file */
function isExecutable(file) {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** @returns {string | undefined} */
function pulumiVersion() {
    try {
        return execFileSync("pulumi", ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10000 });
    } catch (error) {
        const failure = /** @type {{ code?: string, stdout?: string }} */ (error);
        return failure.code === "ENOENT" ? undefined : String(failure.stdout || "");
    }
}

/** @param {string | undefined} check */
function main(check) {
    let problem;
    if (check === "test") {
        const engines = require("../package.json").engines.node;
        problem = testProblems({ path: process.env.PATH || "", isExecutable, nodeVersion: process.version, engines });
    } else if (check === "pulumi") {
        problem = pulumiProblem(pulumiVersion());
    } else {
        problem = "usage: node scripts/preflight.js test|pulumi";
    }
    if (problem) {
        console.error(problem);
        process.exitCode = 1;
    }
}

if (require.main === module) main(process.argv[2]);

module.exports = { testProblems, pulumiProblem, TEST_TOOLS_INSTALL, PULUMI_INSTALL, MIN_PULUMI_VERSION };
