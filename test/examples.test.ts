import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { DEFAULTS } from "../components/config";
import { REPO_ROOT } from "./support/repoPaths";

const RENEWAL_COMMAND = /^pulumi up --refresh --yes --stack "\$PULUMI_STACK"$/;

interface Step {
    uses?: string;
    run?: string;
    env?: { [name: string]: string };
}

/** The longest gap, in hours, between runs of a cron schedule of the forms `m h * * *` (daily) or `m h * * d` (weekly). */
function cronIntervalHours(cron: string): number {
    const fields = cron.trim().split(/\s+/);
    assert.strictEqual(fields.length, 5, `five cron fields: ${cron}`);
    const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
    assert.ok(/^\d+$/.test(minute) && /^\d+$/.test(hour), `one run a day at a fixed time: ${cron}`);
    assert.deepStrictEqual([dayOfMonth, month], ["*", "*"], `every month: ${cron}`);
    if (dayOfWeek === "*") return 24;
    assert.ok(/^[0-6]$/.test(dayOfWeek), `one day a week: ${cron}`);
    return 7 * 24;
}

describe("examples/renew-certificates.yml, the scheduled renewal users copy", () => {
    const file = path.join(REPO_ROOT, "examples", "renew-certificates.yml");
    const workflow = parse(readFileSync(file, "utf8"));
    const jobs = Object.values(workflow.jobs) as { steps: Step[]; env?: { [name: string]: string } }[];

    it("runs on a schedule, well inside the default ca.earlyRenewalHours, and on demand", () => {
        const schedules: { cron: string }[] = workflow.on.schedule;
        assert.ok(schedules.length >= 1);
        for (const { cron } of schedules) {
            const hours = cronIntervalHours(cron);
            assert.ok(hours * 2 <= DEFAULTS.ca.earlyRenewalHours, `${cron}: every ${hours} h leaves a missed run time before ${DEFAULTS.ca.earlyRenewalHours} h`);
        }
        assert.ok("workflow_dispatch" in workflow.on);
    });

    it("runs the documented command, `pulumi up --refresh --yes` on the stack, after installing the CLI and the program", () => {
        assert.strictEqual(jobs.length, 1);
        const { steps } = jobs[0];
        const renew = steps.findIndex((step) => RENEWAL_COMMAND.test(step.run?.trim() ?? ""));
        assert.ok(renew >= 0, `a step runs ${RENEWAL_COMMAND}`);
        const before = steps.slice(0, renew);
        assert.ok(before.some((step) => step.uses?.startsWith("pulumi/actions@")), "the Pulumi CLI is installed first");
        assert.ok(before.some((step) => step.run?.trim() === "npm ci"), "the program's packages are installed first");
        assert.ok(before.some((step) => /KUBECONFIG=/.test(step.run ?? "")), "a kubeconfig is set first");
        const docs = readFileSync(path.join(REPO_ROOT, "docs", "certificates.md"), "utf8");
        assert.ok(docs.includes("pulumi up --refresh --yes --stack <your stack>"), "docs/certificates.md shows the command");
        assert.ok(docs.includes("examples/renew-certificates.yml"), "docs/certificates.md links the file");
    });

    it("gives the stack, its secrets' passphrase and the state's credentials from the repository's settings, read-only otherwise", () => {
        const env = jobs[0].env ?? {};
        assert.strictEqual(env.PULUMI_STACK, "${{ vars.PULUMI_STACK }}");
        assert.strictEqual(env.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
        assert.strictEqual(env.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
        assert.deepStrictEqual(workflow.permissions, { contents: "read" });
        assert.strictEqual(workflow.concurrency["cancel-in-progress"], false, "an update is never cancelled halfway");
    });

    it("pins every action it uses by commit, as this repository's own workflows do", () => {
        const actions = jobs[0].steps.flatMap((step) => (step.uses ? [step.uses] : []));
        assert.ok(actions.length >= 3);
        for (const action of actions) assert.match(action, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, action);
    });
});
