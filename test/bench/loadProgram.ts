import * as pulumi from "@pulumi/pulumi";
import { cheapProviders } from "../support/cheapProviders";
import { runProgram } from "../support/harness";
import { PROGRAM } from "../support/repoPaths";

/**
 * Start-up benchmark child, run by main.ts under the loader being measured. Loads the stack program (index.ts) as
 * `pulumi up` would, with the stack config in PULUMI_CONFIG, under mocks (cheap placeholder tls/random outputs), and
 * prints how many resources registered once all have. It imports little else, so the loader's cost is the program's.
 */
async function main(): Promise<void> {
    const run = await runProgram(() => pulumi.runtime.runInPulumiStack(async () => require(PROGRAM)), cheapProviders);
    console.log(JSON.stringify({ registrations: run.registrations.length }));
}

main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
});
