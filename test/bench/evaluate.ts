import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { PerformanceObserver } from "perf_hooks";
import { Destination, EgressTlsOrigination, EgressTlsOriginationArgs } from "../../components";
import { cheapProviders } from "../support/cheapProviders";
import { OUTSIDE_CA_PEM } from "../support/fixtures";
import { Registration, runProgram } from "../support/harness";
import { COMPONENT, devStackArgs, runComponent } from "../support/scenarios";
import { DESTINATION_KINDS, DestinationKind, Measurement, PROGRAM_KINDS, ProgramKind } from "./measurement";

// One benchmark measurement, run by main.ts in a fresh process: `evaluate.ts <program> <destination kind> <count>`
// (see PROGRAM_KINDS and DESTINATION_KINDS).

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

export function resourceClass(type: string): Make {
    if (type.startsWith("kubernetes:networking.istio.io/")) return (name, inputs) => new k8s.apiextensions.CustomResource(name, inputs);
    const make = RESOURCE_CLASSES[type];
    if (!make) throw new Error(`evaluate.ts: no class for ${type}; add it to RESOURCE_CLASSES`);
    return make;
}

/** `count` destinations of one kind on the dev stack's settings, each with its own name, host and credential. */
export function destinations(kind: DestinationKind, count: number): EgressTlsOriginationArgs {
    const dev = devStackArgs();
    const template = dev.destinations[0];
    const destination = (i: number): Destination => kind === "outside"
        ? { name: `api${i}`, host: `api${i}.partner.example.org`, caCertPem: OUTSIDE_CA_PEM }
        : {
            ...template,
            name: `svc${i}`,
            host: `svc${i}.mesh-external.svc.cluster.local`,
            credentialName: `client-credential-svc${i}`,
            server: { namespace: "mesh-external", name: `svc${i}` },
        };
    return { ...dev, destinations: Array.from({ length: count }, (_, i) => destination(i)) };
}

async function program(kind: ProgramKind, destinationKind: DestinationKind, count: number): Promise<() => unknown> {
    // The args are made once, outside the timed evaluations, as the direct and bare programs make their inputs.
    const args = destinations(destinationKind, count);
    if (kind === "component") return () => new EgressTlsOrigination(COMPONENT, args);
    if (kind === "direct") {
        const registrations: Registration[] = (await runComponent(args, cheapProviders)).registrations;
        return () => registrations.forEach((r) => resourceClass(r.type)(r.name, r.inputs));
    }
    return () => {
        for (let i = 0; i < count; i++) bareConfigMap(i);
    };
}

/** The bare program's resource: a plain ConfigMap. */
export function bareConfigMap(i: number): k8s.core.v1.ConfigMap {
    return new k8s.core.v1.ConfigMap(`cm-${i}`, { metadata: { name: `cm-${i}`, namespace: "default" }, data: { key: "value" } });
}

/**
 * A single evaluation of a small program lasts tens of milliseconds, where scheduling noise on a shared machine is
 * several percent; small programs are timed over several evaluations, so each figure covers about this many resources.
 */
const TIMED_RESOURCES = 1000;
const MAX_TIMED_EVALUATIONS = 20;

/**
 * Evaluates the program under the mocks (cheap tls/random outputs) once to warm up, then times enough further
 * evaluations to cover TIMED_RESOURCES, and returns the figures of one evaluation (means).
 */
async function measure(kind: ProgramKind, destinationKind: DestinationKind, count: number): Promise<Measurement> {
    const evaluate = await program(kind, destinationKind, count);
    const resources = (await runProgram(evaluate, cheapProviders)).registrations.length;
    const evaluations = Math.min(MAX_TIMED_EVALUATIONS, Math.ceil(TIMED_RESOURCES / resources));
    let gcMs = 0;
    const gcObserver = new PerformanceObserver((entries) => entries.getEntries().forEach((entry) => { gcMs += entry.duration; }));
    gcObserver.observe({ entryTypes: ["gc"] });
    const start = process.hrtime.bigint();
    for (let i = 0; i < evaluations; i++) {
        const run = await runProgram(evaluate, cheapProviders);
        if (run.registrations.length !== resources) throw new Error(`evaluation ${i} registered ${run.registrations.length}, not ${resources}`);
    }
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    await new Promise((resolve) => setTimeout(resolve, 10)); // the observer hears of the last pauses a turn later
    gcObserver.disconnect();
    return { resources, wallMs: wallMs / evaluations, gcMs: gcMs / evaluations, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

if (require.main === module) {
    const [kind, destinationKind, count] = process.argv.slice(2);
    if (!PROGRAM_KINDS.includes(kind as ProgramKind) || !DESTINATION_KINDS.includes(destinationKind as DestinationKind) || !(Number(count) > 0)) {
        throw new Error(`usage: evaluate.ts <${PROGRAM_KINDS.join("|")}> <${DESTINATION_KINDS.join("|")}> <count>`);
    }
    measure(kind as ProgramKind, destinationKind as DestinationKind, Number(count))
        .then((measurement) => console.log(JSON.stringify(measurement)));
}
