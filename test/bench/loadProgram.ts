import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { cheapProviders } from "../support/cheapProviders";

/**
 * Start-up benchmark child, run by main.ts under the loader being measured. Loads the stack program (index.ts) as
 * `pulumi up` would, with the stack config in PULUMI_CONFIG, under mocks (cheap placeholder tls/random outputs), and
 * prints how many resources registered once all have. It imports little else, so the loader's cost is the program's.
 */
const PROGRAM = path.resolve(__dirname, "..", "..", "index.ts");

async function main(): Promise<void> {
    let registrations = 0;
    process.on("exit", () => console.log(JSON.stringify({ registrations })));
    await pulumi.runtime.setMocks({
        newResource: async (args) => {
            registrations++;
            return { id: `${args.name}-id`, state: { ...args.inputs, ...await cheapProviders(args.type, args.name, args.inputs, undefined) } };
        },
        call: (args) => args.inputs,
    }, "egress-tls", "dev", false);
    await pulumi.runtime.runInPulumiStack(async () => require(PROGRAM));
}

main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
});
