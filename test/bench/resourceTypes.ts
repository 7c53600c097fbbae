import { cheapProviders } from "../support/cheapProviders";
import { runProgram } from "../support/harness";
import { runComponent } from "../support/scenarios";
import { bareConfigMap, destinations, resourceClass } from "./evaluate";
import { BARE_CONFIG_MAP, median } from "./measurement";

/**
 * Benchmark child, run by main.ts: the cost of each resource type the in-cluster component registers, alone. For each
 * type, COPIES copies of the component's first resource of that type (same class and inputs) are registered directly;
 * the bare program's ConfigMap is measured alike. Types take turns over ROUNDS rounds after a warm-up round, so load
 * from elsewhere falls on all alike. Prints `{ [type]: ms per resource (median of the rounds) }` as one JSON line.
 */
const COPIES = 100;
const ROUNDS = 5;

async function programsByType(): Promise<Map<string, () => unknown>> {
    const { registrations } = await runComponent(destinations("in-cluster", 1), cheapProviders);
    const programs = new Map<string, () => unknown>([[BARE_CONFIG_MAP, () => { for (let i = 0; i < COPIES; i++) bareConfigMap(i); }]]);
    for (const { type, name, inputs, custom } of registrations) {
        if (!custom || programs.has(type)) continue;
        const make = resourceClass(type);
        programs.set(type, () => { for (let i = 0; i < COPIES; i++) make(`${name}-${i}`, inputs); });
    }
    return programs;
}

async function msPerResource(program: () => unknown): Promise<number> {
    const start = process.hrtime.bigint();
    await runProgram(program, cheapProviders);
    return Number(process.hrtime.bigint() - start) / 1e6 / COPIES;
}

async function main(): Promise<void> {
    const programs = await programsByType();
    const samples = new Map<string, number[]>([...programs.keys()].map((type) => [type, []]));
    for (const program of programs.values()) await msPerResource(program);
    for (let round = 0; round < ROUNDS; round++) {
        for (const [type, program] of programs) samples.get(type)!.push(await msPerResource(program));
    }
    console.log(JSON.stringify(Object.fromEntries([...samples].map(([type, values]) => [type, median(values)]))));
}

if (require.main === module) {
    main().catch((error) => {
        console.error(error);
        process.exitCode = 1;
    });
}
