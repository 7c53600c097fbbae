import * as k8s from "@pulumi/kubernetes";
import * as tls from "@pulumi/tls";
import { cheapProviders } from "../support/cheapProviders";
import { runProgram } from "../support/harness";
import { runComponent } from "../support/scenarios";
import { bareConfigMap } from "./evaluate";
import { BARE_CONFIG_MAP, median } from "./measurement";
import { SCENARIOS } from "./scenarios";

/**
 * Benchmark child, run by main.ts with --per-type: the cost of each resource type the in-cluster component registers,
 * alone. For each type, COPIES copies of the component's first resource of that type (same class and inputs) are
 * registered directly; the bare program's ConfigMap is measured alike. Types take turns over ROUNDS rounds after a
 * warm-up round, so load from elsewhere falls on all alike. Prints `{ [type]: ms per resource (median) }` as one JSON line.
 */
const COPIES = 100;
const ROUNDS = 3;

type Make = (name: string, inputs: any) => unknown;
/** The classes of the resources the component registers for in-cluster destinations. */
const RESOURCE_CLASSES: { [type: string]: Make } = {
    "tls:index/privateKey:PrivateKey": (name, inputs) => new tls.PrivateKey(name, inputs),
    "tls:index/selfSignedCert:SelfSignedCert": (name, inputs) => new tls.SelfSignedCert(name, inputs),
    "tls:index/certRequest:CertRequest": (name, inputs) => new tls.CertRequest(name, inputs),
    "tls:index/locallySignedCert:LocallySignedCert": (name, inputs) => new tls.LocallySignedCert(name, inputs),
    "kubernetes:core/v1:Namespace": (name, inputs) => new k8s.core.v1.Namespace(name, inputs),
    "kubernetes:core/v1:Secret": (name, inputs) => new k8s.core.v1.Secret(name, inputs),
    "kubernetes:core/v1:ConfigMap": (name, inputs) => new k8s.core.v1.ConfigMap(name, inputs),
    "kubernetes:core/v1:Service": (name, inputs) => new k8s.core.v1.Service(name, inputs),
    "kubernetes:apps/v1:Deployment": (name, inputs) => new k8s.apps.v1.Deployment(name, inputs),
};

/** Custom resource kinds the SDK has no class for: Istio's, and the Gateway API's. */
const CUSTOM_RESOURCE_TYPES = /^kubernetes:[\w.]*(istio\.io|gateway\.networking\.k8s\.io)\//;

function resourceClass(type: string): Make {
    if (CUSTOM_RESOURCE_TYPES.test(type)) {
        return (name, inputs) => new k8s.apiextensions.CustomResource(name, inputs);
    }
    const make = RESOURCE_CLASSES[type];
    if (!make) throw new Error(`resourceTypes.ts: no class for ${type}; add it to RESOURCE_CLASSES`);
    return make;
}

async function programsByType(): Promise<Map<string, () => unknown>> {
    const programs = new Map<string, () => unknown>([[BARE_CONFIG_MAP, () => { for (let i = 0; i < COPIES; i++) bareConfigMap(i); }]]);
    for (const scenario of SCENARIOS) {
        const { registrations } = await runComponent(scenario.args(scenario.destinations("in-cluster", 1)), cheapProviders);
        for (const { type, name, inputs, custom } of registrations) {
            if (!custom || programs.has(type)) continue;
            const make = resourceClass(type);
            programs.set(type, () => { for (let i = 0; i < COPIES; i++) make(`${name}-${i}`, inputs); });
        }
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
        process.stderr.write(`  resource types: round ${round + 1}/${ROUNDS}\n`);
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
