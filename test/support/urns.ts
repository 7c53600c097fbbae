import { AliasSpec, ProgramRun, Registration } from "./harness";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export interface UrnParts {
    stack: string;
    project: string;
    /** The type with its parents' types, `$`-separated. */
    qualifiedType: string;
    name: string;
}

export function parseUrn(urn: string): UrnParts {
    const match = /^urn:pulumi:([^:]*)::([^:]*)::(.*)::([^:]*)$/.exec(urn);
    if (!match) throw new Error(`not a URN: ${urn}`);
    return { stack: match[1], project: match[2], qualifiedType: match[3], name: match[4] };
}

/**
 * The URN the engine gives a resource (pulumi/sdk/go/common/resource/urn.go `NewURN`): its type prefixed with the
 * parent's whole qualified type, unless the parent is the root stack. The SDK's mocks differ (runtime/mocks.js
 * `newUrn` prefixes the parent's last type only and keeps the stack's), so plans compare these, never mock URNs.
 */
export function engineUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    const parentType = parentUrn ? parseUrn(parentUrn).qualifiedType : "";
    const qualifiedType = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/** Engine URNs of a run's registrations, by the URN the mocks gave them. */
export function engineUrns(registrations: Registration[]): Map<string, string> {
    const byMockUrn = new Map(registrations.map((r) => [r.urn, r]));
    const resolved = new Map<string, string>();
    const resolve = (r: Registration): string => {
        const known = resolved.get(r.urn);
        if (known) return known;
        const { stack, project } = parseUrn(r.urn);
        const parent = r.parent ? byMockUrn.get(r.parent) : undefined;
        const parentUrn = parent ? resolve(parent) : r.parent || undefined;
        const urn = engineUrn(stack, project, parentUrn, r.type, r.name);
        resolved.set(r.urn, urn);
        return urn;
    };
    registrations.forEach(resolve);
    return resolved;
}

/**
 * The old URN an alias names (pulumi/pkg/resource/deploy/step_generator.go `collapseAliasToUrn`): fields the spec
 * leaves empty come from the resource; a parent given as a URN is the parent's old URN when the parent itself was
 * found through an alias (`oldUrnOf`). `parentUrn` and `oldUrnOf` speak engine URNs.
 */
export function collapseAlias(
    alias: AliasSpec,
    resource: { type: string; name: string; parentUrn?: string; stack: string; project: string },
    oldUrnOf: (urn: string) => string | undefined = () => undefined,
): string {
    if (alias.urn) return alias.urn;
    let parent = alias.parentUrn ? oldUrnOf(alias.parentUrn) ?? alias.parentUrn : resource.parentUrn;
    if (alias.noParent || (parent && parseUrn(parent).qualifiedType === ROOT_STACK_TYPE)) parent = undefined;
    return engineUrn(alias.stack || resource.stack, alias.project || resource.project, parent, alias.type || resource.type, alias.name || resource.name);
}

/**
 * The one registration of `type` named `name` today, or once named so and aliased from it: tests that name a child by
 * its former name keep finding it, and check the alias while they are at it.
 */
export function knownAs(run: ProgramRun, type: string, name: string): Registration {
    const aliasName = (alias: AliasSpec) => (alias.urn ? parseUrn(alias.urn).name : alias.name);
    const found = run.ofType(type).filter((r) => r.name === name || r.aliases.some((alias) => aliasName(alias) === name));
    if (found.length !== 1) throw new Error(`expected one ${type} named or aliased ${name}, found ${found.length}`);
    return found[0];
}
