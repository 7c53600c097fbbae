import * as pulumi from "@pulumi/pulumi";

/** The SDK's marker for a secret value in deserialized inputs. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/**
 * One alias as the engine receives it in the RegisterResourceRequest (`aliases`, pulumi/proto/alias.proto): either an
 * old URN, or a spec whose empty fields the engine fills in from the resource itself (pkg/resource/deploy/
 * step_generator.go `collapseAliasToUrn`). Under the mocks (and any CLI since 3.x) the SDK sends specs, not URNs
 * (`supportsAliasSpecs`; @pulumi/pulumi runtime/resource.js `mapAliasesForRequest`).
 */
export interface AliasSpec {
    /** The old URN, for an alias given as a string. */
    urn?: string;
    name?: string;
    type?: string;
    stack?: string;
    project?: string;
    /** The old parent's URN (the SDK fills in the resource's own parent when the alias names none). */
    parentUrn?: string;
    /** The resource had no parent. */
    noParent?: boolean;
}

/** One registration as the engine would see it, including the options the SDK's mocks do not pass on. */
export interface Registration {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    /** Inputs with secret markers removed. */
    inputs: any;
    /** Inputs as serialized, secret markers kept. */
    rawInputs: any;
    parent: string;
    /** URNs this resource waits for: dependsOn and input dependencies together. */
    dependencies: string[];
    replacementTrigger: unknown;
    deleteBeforeReplace: boolean;
    /** Whether `deleteBeforeReplace` was given at all: only then does it override the provider's choice. */
    deleteBeforeReplaceDefined: boolean;
    /** Aliases as the engine receives them (specs, or URNs given as strings). */
    aliases: AliasSpec[];
    /** Input property paths whose change makes the engine replace the resource. */
    replaceOnChanges: string[];
    /** Input property paths the engine keeps from the old state. */
    ignoreChanges: string[];
    /** The URN whose deletion deletes this resource too; empty when none. */
    deletedWith: string;
    protect: boolean;
    retainOnDelete: boolean;
    /** The provider reference (`urn::id`) the resource was registered with; empty for the default provider. */
    provider: string;
    /** What the mock provider returned. */
    outputs: any;
}

export interface ProgramRun {
    registrations: Registration[];
    /** Outputs registered by component resources, secret markers kept. */
    componentOutputs: Map<string, any>;
    /** The registration of a custom resource by type and name, or a failed test. */
    get(type: string, name: string): Registration;
    ofType(type: string): Registration[];
    /** Kubernetes objects as `Kind namespace/name`, sorted. */
    kubernetesObjects(): string[];
    /** Kubernetes objects of one kind. */
    objectsOfKind(kind: string): Registration[];
    /** The one Kubernetes object of this kind, namespace (none for cluster-scoped kinds) and name, or a failed test. */
    object(kind: string, namespace: string | undefined, name: string): Registration;
    /** Every URN `registration` waits for, directly or through what it waits for: Pulumi deletes in the reverse order. */
    waitsFor(registration: Registration): Set<string>;
}

/** What a mocked provider returns for a new resource, given its type, name, inputs and replacement trigger. */
export type ProviderFn = (type: string, name: string, inputs: any, replacementTrigger: unknown) => ProviderOutputs | Promise<ProviderOutputs>;
type ProviderOutputs = { [key: string]: unknown } | undefined;

export function isSecret(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as any)[SECRET_SIG] === SECRET_VALUE;
}

export function unwrapSecrets(value: any): any {
    if (isSecret(value)) return unwrapSecrets(value.value);
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

function aliasSpec(alias: any): AliasSpec {
    if (alias.hasUrn()) return { urn: alias.getUrn() };
    const spec = alias.getSpec();
    const recorded: AliasSpec = {};
    for (const [field, value] of [["name", spec.getName()], ["type", spec.getType()], ["stack", spec.getStack()], ["project", spec.getProject()]]) {
        if (value) (recorded as any)[field] = value;
    }
    if (spec.hasParenturn() && spec.getParenturn()) recorded.parentUrn = spec.getParenturn();
    if (spec.hasNoparent() && spec.getNoparent()) recorded.noParent = true;
    return recorded;
}

/** Aliases from the request: specs, plus the plain URNs an engine without alias specs would get. */
function requestAliases(req: any): AliasSpec[] {
    return [...req.getAliasesList().map(aliasSpec), ...req.getAliasurnsList().map((urn: string) => ({ urn }))];
}

function structValue(value: any): unknown {
    return value === undefined ? undefined : value.toJavaScript();
}

/**
 * Runs `program` under the SDK's mocks and returns every registration once the program has settled. The mock
 * monitor is wrapped so that parent, dependencies and resource options, which the mocks drop, are recorded too.
 */
export async function runProgram(program: () => unknown, provider: ProviderFn = () => undefined, stack = "dev"): Promise<ProgramRun> {
    const registrations: Registration[] = [];
    const componentOutputs = new Map<string, any>();
    const pendingTriggers = new Map<string, unknown>();
    let inFlight = 0;
    let failure: Error | undefined;

    await pulumi.runtime.setMocks({
        newResource: async (args) => {
            const key = `${args.type}::${args.name}`;
            const outputs = await provider(args.type, args.name, unwrapSecrets(args.inputs), pendingTriggers.get(key)) ?? {};
            return { id: `${args.name}-id`, state: { ...args.inputs, ...outputs } };
        },
        call: (args) => args.inputs,
    }, "egress-tls", stack, false);

    const settings = require("@pulumi/pulumi/runtime/settings");
    const monitor = settings.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
        inFlight++;
        const type = req.getType();
        const name = req.getName();
        const replacementTrigger = req.getReplacementTrigger ? structValue(req.getReplacementTrigger()) : undefined;
        pendingTriggers.set(`${type}::${name}`, replacementTrigger);
        const rawInputs = pulumi.runtime.deserializeProperties(req.getObject());
        register(req, (err: any, resp: any) => {
            if (err) failure = failure ?? err;
            else {
                registrations.push({
                    type, name, custom: req.getCustom(), urn: resp.getUrn(), rawInputs, inputs: unwrapSecrets(rawInputs),
                    parent: req.getParent(), dependencies: req.getDependenciesList(), replacementTrigger, deleteBeforeReplace: req.getDeletebeforereplace(),
                    deleteBeforeReplaceDefined: req.getDeletebeforereplacedefined(),
                    aliases: requestAliases(req), replaceOnChanges: req.getReplaceonchangesList(), ignoreChanges: req.getIgnorechangesList(),
                    deletedWith: req.getDeletedwith(),
                    protect: req.getProtect() ?? false, retainOnDelete: req.getRetainondelete() ?? false, provider: req.getProvider(),
                    outputs: pulumi.runtime.deserializeProperties(resp.getObject()),
                });
            }
            inFlight--;
            callback(err, resp);
        });
    };
    monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
        componentOutputs.set(req.getUrn(), pulumi.runtime.deserializeProperties(req.getOutputs()));
        registerOutputs(req, callback);
    };

    await program();
    await settle(() => inFlight);
    if (failure) throw failure;
    return programRun(registrations, componentOutputs);
}

/** Waits until no registration is in flight for several turns of the event loop. */
async function settle(inFlight: () => number): Promise<void> {
    let quietTurns = 0;
    while (quietTurns < 20) {
        await new Promise((resolve) => setImmediate(resolve));
        quietTurns = inFlight() === 0 ? quietTurns + 1 : 0;
    }
}

/** A run over these registrations: also for a test that alters a real run's registrations. */
export function programRun(registrations: Registration[], componentOutputs = new Map<string, any>()): ProgramRun {
    /** Made by the first `waitsFor`: a run's registrations are not altered once it is made. */
    let byUrn: Map<string, Registration> | undefined;
    return {
        registrations,
        componentOutputs,
        get(type, name) {
            const found = registrations.filter((r) => r.type === type && r.name === name);
            if (found.length !== 1) {
                throw new Error(`expected one ${type} named ${name}, found ${found.length}; have: ${registrations.map((r) => r.name).join(", ")}`);
            }
            return found[0];
        },
        ofType(type) {
            return registrations.filter((r) => r.type === type);
        },
        objectsOfKind(kind) {
            return registrations.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind);
        },
        object(kind, namespace, name) {
            const found = this.objectsOfKind(kind).filter((r) => r.inputs.metadata?.namespace === namespace && r.inputs.metadata?.name === name);
            if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? ""}/${name} among the registrations, found ${found.length}`);
            return found[0];
        },
        waitsFor(registration) {
            const registered = (byUrn ??= new Map(registrations.map((r) => [r.urn, r])));
            const seen = new Set<string>();
            const pending = [...registration.dependencies];
            while (pending.length > 0) {
                const urn = pending.pop()!;
                if (seen.has(urn)) continue;
                seen.add(urn);
                pending.push(...(registered.get(urn)?.dependencies ?? []));
            }
            return seen;
        },
        kubernetesObjects() {
            return registrations
                .filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind !== undefined)
                .map((r) => `${r.inputs.kind} ${r.inputs.metadata.namespace ?? ""}/${r.inputs.metadata.name}`.replace(" /", " "))
                .sort();
        },
    };
}

/** Resolves an Output under mocks. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => { resolve(value); return value; }));
}
