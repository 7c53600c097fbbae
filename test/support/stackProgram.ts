import * as pulumi from "@pulumi/pulumi";
import { cliConfig } from "./devStack";
import { ProgramRun, ProviderFn, runProgram } from "./harness";
import { PROGRAM } from "./repoPaths";
import { MUTABLE_KUBERNETES_CONFIG } from "./scenarios";

/**
 * Runs the top-level Pulumi program (index.ts) in a root Stack, as `pulumi up` would, with `config` as the CLI hands it
 * over (`project:key` → string; `secretKeys` those set with `--secret`). The stack's exports are the Stack resource's
 * registered outputs in `componentOutputs`.
 */
export async function runStackProgram(config: { [key: string]: string }, provider: ProviderFn, secretKeys: string[] = [], stack = "dev"): Promise<ProgramRun> {
    try {
        return await runProgram(async () => {
            pulumi.runtime.setAllConfig(config, secretKeys);
            delete require.cache[require.resolve(PROGRAM)];
            await pulumi.runtime.runInPulumiStack(async () => require(PROGRAM));
        }, provider, stack);
    } finally {
        pulumi.runtime.setAllConfig({});
    }
}

/**
 * Component args as stack config, the way the CLI hands `Pulumi.<stack>.yaml` over: structured values as JSON; with the
 * Kubernetes provider settings the program requires, as in the dev stack.
 */
export function stackConfigOf(project: string, args: object): { [key: string]: string } {
    return { ...MUTABLE_KUBERNETES_CONFIG, ...Object.fromEntries(Object.entries(args).map(([key, value]) => [`${project}:${key}`, cliConfig(value)])) };
}

/** The Stack resource's URN in a run of `runStackProgram`. */
export function stackUrn(run: ProgramRun): string {
    const stacks = run.ofType("pulumi:pulumi:Stack");
    if (stacks.length !== 1) throw new Error(`expected one pulumi:pulumi:Stack, found ${stacks.length}`);
    return stacks[0].urn;
}
