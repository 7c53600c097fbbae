import { isDeepStrictEqual } from "util";
import { ProgramRun, Registration } from "./harness";
import {
    helmReleaseDiff, kubernetesDiff, kubernetesDiffConfig, kubernetesIdentity, kubernetesSettings, KubernetesProviderSettings, ProviderDiff,
} from "./kubernetesDiff";
import { collapseAlias, engineUrns, parseUrn } from "./urns";

// A model of what `pulumi up` does to a deployed stack when the program's config changes: the engine's step generator
// (pulumi/pulumi pkg/resource/deploy/step_generator.go: URN and alias lookup, `generateAliases`, `providerChanged`,
// `applyReplaceOnChanges`, replacementTrigger, `deleteBeforeReplace` overriding the provider's choice) over the
// providers' own Diff rules (./kubernetesDiff.ts; every input of a tls/random resource is RequiresReplace in
// terraform-provider-tls and terraform-provider-random, so any change replaces them, create-first).
// Not modelled: the engine's dependent replacements under delete-before-replace (`calculateDependentReplacements`),
// which only matter for a dependent whose inputs are the replaced resource's outputs, and refresh.

export type Operation = "same" | "update" | "replace" | "create" | "delete";

export interface PlannedStep {
    op: Operation;
    /** For `replace`: the old resource is deleted before the new one is created. */
    deleteFirst: boolean;
    /** The engine URN: the new one, or the old one for a delete. */
    urn: string;
    type: string;
    name: string;
    /** Why a replace or update happens: the properties, `replacementTrigger`, `provider`. */
    reasons: string[];
    /** The old URN, when the resource was found through an alias. */
    aliasedFrom?: string;
    registration: Registration;
    /** The old registration the step diffs against. */
    previous?: Registration;
}

/** One run of the program, and the stack config it ran with (`kubernetes:*` keys configure the default provider). */
export interface PlanSide {
    run: ProgramRun;
    config?: { [key: string]: string };
}

export interface PlanOptions {
    /** Resources whose provider replaces them although their inputs are unchanged (a certificate in its renewal window). */
    replacedByProvider?: (registration: Registration) => boolean;
}

export interface Plan {
    steps: PlannedStep[];
    /** Engine errors: two resources claiming one old URN. */
    errors: string[];
    /** Objects a create-first step creates while the old object of that identity still exists: "already exists". */
    collisions: string[];
    /** The step of the resource with this type and name (new name, or old for a delete). */
    step(type: string, name: string): PlannedStep;
    /** Steps other than `same`, as `op type::name`. */
    changes(): string[];
}

const DEFAULT_PROVIDER = "default";

interface ProviderView {
    key: string;
    package: string;
    inputs: { [key: string]: unknown };
}

/** Engine URNs of a side's registrations, and which provider serves each. */
class SideView {
    readonly urns: Map<string, string>;
    readonly byUrn = new Map<string, Registration>();
    constructor(readonly side: PlanSide) {
        this.urns = engineUrns(side.run.registrations);
        for (const r of side.run.registrations) this.byUrn.set(this.urns.get(r.urn)!, r);
    }

    urnOf(r: Registration): string {
        return this.urns.get(r.urn)!;
    }

    provider(r: Registration): ProviderView {
        const pkg = r.type.split(":")[0];
        if (!r.provider) {
            const prefix = `${pkg}:`;
            const config = Object.fromEntries(Object.entries(this.side.config ?? {}).filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
            return { key: `${DEFAULT_PROVIDER}:${pkg}`, package: pkg, inputs: config };
        }
        const mockUrn = r.provider.split("::").slice(0, -1).join("::");
        const registration = this.side.run.registrations.find((p) => p.urn === mockUrn);
        return { key: this.urns.get(mockUrn) ?? mockUrn, package: pkg, inputs: registration?.inputs ?? {} };
    }

    kubernetesSettings(r: Registration): KubernetesProviderSettings {
        return kubernetesSettings(this.provider(r).inputs);
    }
}

function isProviderType(type: string): boolean {
    return type.startsWith("pulumi:providers:");
}

/** The provider's Diff of a custom resource's inputs. */
function providerDiff(r: Registration, olds: any, news: any, settings: KubernetesProviderSettings): ProviderDiff {
    if (r.type === "kubernetes:helm.sh/v3:Release") return helmReleaseDiff(olds, news);
    if (r.type.startsWith("kubernetes:")) return kubernetesDiff(olds, news, settings);
    if (r.type === "pulumi:providers:kubernetes") return kubernetesDiffConfig(olds, news);
    const changed = Object.keys({ ...olds, ...news }).filter((key) => !isDeepStrictEqual(olds[key], news[key]));
    return { changes: changed.length > 0, replaceKeys: isProviderType(r.type) ? [] : changed, deleteBeforeReplace: false };
}

/** Whether a changed property path is covered by a `replaceOnChanges` path (`*` covers any key). */
function covers(pattern: string, path: string): boolean {
    const want = pattern.split(".");
    const have = path.replace(/^\./, "").split(".");
    return want.length <= have.length && want.every((part, i) => part === "*" || part === have[i]);
}

function changedPaths(olds: any, news: any, prefix = ""): string[] {
    if (isDeepStrictEqual(olds, news)) return [];
    const objects = typeof olds === "object" && olds !== null && typeof news === "object" && news !== null && !Array.isArray(olds) && !Array.isArray(news);
    if (!objects) return [prefix || "."];
    return Object.keys({ ...olds, ...news }).flatMap((key) => changedPaths(olds[key], news[key], `${prefix}.${key}`));
}

/** step_generator.go `shouldTriggerReplace`: a trigger that is absent on either side replaces nothing. */
function triggersReplace(next: unknown, previous: unknown): boolean {
    if (next === undefined || next === null || previous === undefined || previous === null) return false;
    return !isDeepStrictEqual(next, previous);
}

/** A Kubernetes object's or Helm release's identity in the cluster, for objects with a fixed name. */
function clusterIdentity(r: Registration): string | undefined {
    if (r.type === "kubernetes:helm.sh/v3:Release") return `helm release ${r.inputs.namespace}/${r.inputs.name}`;
    if (r.type.startsWith("kubernetes:") && r.inputs.kind && r.inputs.metadata?.name) return kubernetesIdentity(r.inputs);
    return undefined;
}

/** Predicts the steps of `pulumi up` from `old` (deployed) to `next`. */
export function planUp(old: PlanSide, next: PlanSide, options: PlanOptions = {}): Plan {
    const olds = new SideView(old);
    const news = new SideView(next);
    const steps: PlannedStep[] = [];
    const errors: string[] = [];
    /** New URN → the old URN it was found under, when through an alias (step_generator's `sg.aliases`). */
    const aliasUsed = new Map<string, string>();
    const claimed = new Map<string, string>();

    for (const r of next.run.registrations) {
        const urn = news.urnOf(r);
        const { stack, project } = parseUrn(urn);
        const parentUrn = r.parent ? news.urns.get(r.parent) : undefined;
        const resource = { type: r.type, name: r.name, parentUrn, stack, project };
        const aliases = r.aliases.map((alias) => collapseAlias(
            { ...alias, parentUrn: alias.parentUrn && (news.urns.get(alias.parentUrn) ?? alias.parentUrn) }, resource, (p) => aliasUsed.get(p)));
        const parentAlias = parentUrn ? aliasUsed.get(parentUrn) : undefined;
        if (parentAlias) {
            const parentName = parseUrn(parentUrn!).name;
            for (const child of [urn, ...aliases]) {
                const { qualifiedType, name } = parseUrn(child);
                const aliasName = name.startsWith(parentName) ? parseUrn(parentAlias).name + name.slice(parentName.length) : name;
                aliases.push(`urn:pulumi:${stack}::${project}::${parseUrn(parentAlias).qualifiedType}$${qualifiedType.split("$").pop()}::${aliasName}`);
            }
        }
        const oldUrn = [urn, ...aliases].find((candidate) => olds.byUrn.has(candidate));
        if (oldUrn !== undefined && oldUrn !== urn) aliasUsed.set(urn, oldUrn);
        if (oldUrn !== undefined) {
            const other = claimed.get(oldUrn);
            if (other !== undefined) errors.push(`${urn} and ${other} both claim ${oldUrn}`);
            claimed.set(oldUrn, urn);
        }
        const previous = oldUrn === undefined ? undefined : olds.byUrn.get(oldUrn)!;
        steps.push({ ...diffStep(r, previous, olds, news, options), urn, type: r.type, name: r.name, registration: r, previous, ...(oldUrn !== urn && oldUrn ? { aliasedFrom: oldUrn } : {}) });
    }
    for (const [urn, r] of olds.byUrn) {
        if (!claimed.has(urn)) steps.push({ op: "delete", deleteFirst: false, urn, type: r.type, name: r.name, reasons: [], registration: r });
    }
    return makePlan(steps, errors);
}

function diffStep(r: Registration, previous: Registration | undefined, olds: SideView, news: SideView, options: PlanOptions): Pick<PlannedStep, "op" | "deleteFirst" | "reasons"> {
    if (!previous) return { op: "create", deleteFirst: false, reasons: [] };
    if (!r.custom) return { op: "same", deleteFirst: false, reasons: [] };
    const reasons: string[] = [];
    let replace = false;
    let diff: ProviderDiff;
    const oldProvider = olds.provider(previous);
    const newProvider = news.provider(r);
    if (triggersReplace(r.replacementTrigger, previous.replacementTrigger)) {
        // step_generator.go: a trigger replace skips the provider's Diff, so only the deleteBeforeReplace option applies.
        diff = { changes: true, replaceKeys: [], deleteBeforeReplace: false };
        replace = true;
        reasons.push("replacementTrigger");
    } else if (!isProviderType(r.type) && oldProvider.package === "kubernetes"
        && kubernetesDiffConfig(oldProvider.inputs, newProvider.inputs).replaceKeys.length > 0) {
        diff = { changes: true, replaceKeys: [], deleteBeforeReplace: false };
        replace = true;
        reasons.push("provider");
    } else {
        diff = providerDiff(r, previous.inputs, r.inputs, news.kubernetesSettings(r));
        reasons.push(...diff.replaceKeys);
        replace = diff.replaceKeys.length > 0;
    }
    const paths = changedPaths(previous.inputs, r.inputs);
    const onChanges = paths.filter((path) => r.replaceOnChanges.some((pattern) => covers(pattern, path)));
    if (onChanges.length > 0) {
        replace = true;
        reasons.push(...onChanges.map((path) => `replaceOnChanges ${path}`));
    }
    if (options.replacedByProvider?.(r)) {
        replace = true;
        reasons.push("provider plan (renewal)");
    }
    if (replace) {
        return { op: "replace", deleteFirst: r.deleteBeforeReplaceDefined ? r.deleteBeforeReplace : diff.deleteBeforeReplace, reasons };
    }
    return diff.changes ? { op: "update", deleteFirst: false, reasons: paths } : { op: "same", deleteFirst: false, reasons: [] };
}

function makePlan(steps: PlannedStep[], errors: string[]): Plan {
    const deletedIdentities = new Set(steps.filter((s) => s.op === "delete").map((s) => clusterIdentity(s.registration)).filter((id) => id !== undefined));
    const collisions = steps.flatMap((s) => {
        const identity = clusterIdentity(s.registration);
        if (identity === undefined) return [];
        if (s.op === "create" && deletedIdentities.has(identity)) return [`${identity}: created by ${s.name} while the old object still exists`];
        if (s.op === "replace" && !s.deleteFirst && clusterIdentity(s.previous!) === identity) return [`${identity}: ${s.name} replaced create-first under the same name`];
        return [];
    });
    return {
        steps,
        errors,
        collisions,
        step(type, name) {
            const found = steps.filter((s) => s.type === type && s.name === name);
            if (found.length !== 1) throw new Error(`expected one step for ${type}::${name}, found ${found.length}`);
            return found[0];
        },
        changes() {
            return steps.filter((s) => s.op !== "same").map((s) => `${s.op}${s.deleteFirst ? " (delete first)" : ""} ${s.type}::${s.name}`);
        },
    };
}
