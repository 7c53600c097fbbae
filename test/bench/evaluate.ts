import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { PerformanceObserver } from "perf_hooks";
import { EgressTlsOrigination, EgressTlsOriginationArgs } from "../../components";
import { cheapProviders } from "../support/cheapProviders";
import { Registration, runProgram } from "../support/harness";
import { devStackArgs } from "../support/scenarios";
import { Measurement, PROGRAM_KINDS, ProgramKind } from "./measurement";

// One benchmark measurement, run by main.ts in a fresh process: `evaluate.ts <kind> <count>` (see PROGRAM_KINDS).

type Make = (name: string, inputs: any) => unknown;
/** The classes of the resources the component registers for walkthrough-like destinations. */
const RESOURCE_CLASSES: { [type: string]: Make } = {
    "egress-tls:index:EgressTlsOrigination": (name) => new pulumi.ComponentResource("egress-tls:index:EgressTlsOrigination", name),
    "random:index/randomId:RandomId": (name, inputs) => new random.RandomId(name, inputs),
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

function resourceClass(type: string): Make {
    if (type.startsWith("kubernetes:networking.istio.io/")) return (name, inputs) => new k8s.apiextensions.CustomResource(name, inputs);
    const make = RESOURCE_CLASSES[type];
    if (!make) throw new Error(`evaluate.ts: no class for ${type}; add it to RESOURCE_CLASSES`);
    return make;
}

/** `count` copies of the dev stack's destination, each with its own name, host, credential and server. */
export function destinations(count: number): EgressTlsOriginationArgs {
    const dev = devStackArgs();
    const template = dev.destinations[0];
    return {
        ...dev,
        destinations: Array.from({ length: count }, (_, i) => ({
            ...template,
            name: `svc${i}`,
            host: `svc${i}.mesh-external.svc.cluster.local`,
            credentialName: `client-credential-svc${i}`,
            server: { namespace: "mesh-external", name: `svc${i}` },
        })),
    };
}

async function program(kind: ProgramKind, count: number): Promise<() => unknown> {
    const component = () => new EgressTlsOrigination("egress-tls", destinations(count));
    if (kind === "component") return component;
    if (kind === "direct") {
        const registrations: Registration[] = (await runProgram(component, cheapProviders)).registrations;
        return () => registrations.forEach((r) => resourceClass(r.type)(r.name, r.inputs));
    }
    return () => {
        for (let i = 0; i < count; i++) {
            new k8s.core.v1.ConfigMap(`cm-${i}`, { metadata: { name: `cm-${i}`, namespace: "default" }, data: { key: "value" } });
        }
    };
}

/** Evaluates the program twice under the mocks (cheap tls/random outputs) and times the second, warm, evaluation. */
async function measure(kind: ProgramKind, count: number): Promise<Measurement> {
    const evaluate = await program(kind, count);
    await runProgram(evaluate, cheapProviders);
    let gcMs = 0;
    const gcObserver = new PerformanceObserver((entries) => entries.getEntries().forEach((entry) => { gcMs += entry.duration; }));
    gcObserver.observe({ entryTypes: ["gc"] });
    const start = process.hrtime.bigint();
    const run = await runProgram(evaluate, cheapProviders);
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    await new Promise((resolve) => setTimeout(resolve, 10)); // the observer hears of the last pauses a turn later
    gcObserver.disconnect();
    return { resources: run.registrations.length, wallMs, gcMs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

if (require.main === module) {
    const [kind, count] = process.argv.slice(2);
    if (!PROGRAM_KINDS.includes(kind as ProgramKind) || !(Number(count) > 0)) {
        throw new Error(`usage: evaluate.ts <${PROGRAM_KINDS.join("|")}> <count>`);
    }
    measure(kind as ProgramKind, Number(count)).then((measurement) => console.log(JSON.stringify(measurement)));
}
