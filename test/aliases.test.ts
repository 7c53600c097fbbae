import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { EgressTlsOrigination, EgressTlsOriginationArgs } from "../components";
import { ISTIO_API_VERSIONS } from "../components/config/resolved";
import { formerAliases, topLevelChildUrnPrefix } from "../components/naming";
import { cheapProviders } from "./support/cheapProviders";
import { AliasSpec, ProgramRun, ProviderFn, Registration, runProgram } from "./support/harness";
import { COMPONENT, everythingArgs, MUTABLE_KUBERNETES_CONFIG } from "./support/scenarios";
import { planUp } from "./support/plan";
import { collapseAlias, engineUrns, parseUrn } from "./support/urns";

const WRAPPER_TYPE = "test:index:Wrapper";

/**
 * The aliases the component gives a child. @pulumi/kubernetes gives some of its own classes type aliases of their own
 * (a Deployment answers to extensions/v1beta1 and apps/v1beta1 and v1beta2), as specs of a type alone: not ours.
 */
function componentAliases(r: Registration): AliasSpec[] {
    const ownByClass = (alias: AliasSpec) => alias.urn === undefined && alias.name === undefined && alias.type !== undefined && !alias.type.includes(".istio.io/");
    return r.aliases.filter((alias) => !ownByClass(alias));
}

/**
 * Placeholder key and certificate outputs named after the child without the component's name: what a resource found
 * through an alias keeps (its state), where new names would make new placeholders and every certificate look changed.
 */
const keptAcrossRenames: ProviderFn = (type, name, inputs, trigger) => cheapProviders(type, name.replace(/^(old-egress|egress-tls)-/, ""), inputs, trigger);

/** A program that declares the component with every kind of child (`args`, `name`, `opts` changed as given). */
async function runWith(program: (args: EgressTlsOriginationArgs) => void, args = everythingArgs()): Promise<ProgramRun> {
    pulumi.runtime.setAllConfig(MUTABLE_KUBERNETES_CONFIG);
    try {
        return await runProgram(() => program(args), keptAcrossRenames);
    } finally {
        pulumi.runtime.setAllConfig({});
    }
}

/** The component at the top of the stack or inside a component of the user's own. */
function run(nested: boolean): Promise<ProgramRun> {
    return runWith((args) => {
        const parent = nested ? new pulumi.ComponentResource(WRAPPER_TYPE, "wrapper", {}, {}) : undefined;
        new EgressTlsOrigination(COMPONENT, args, { parent });
    });
}

/** For each resource (by its engine URN, the wrapper's type left out), the old URNs its aliases name, as the engine collapses them. */
function oldUrns(programRun: ProgramRun): Map<string, string[]> {
    const urns = engineUrns(programRun.registrations);
    const unwrapped = (urn: string) => urn.replace(`${WRAPPER_TYPE}$`, "");
    return new Map(programRun.registrations.filter((r) => componentAliases(r).length > 0).map((r) => {
        const urn = urns.get(r.urn)!;
        const { stack, project } = parseUrn(urn);
        const resource = { type: r.type, name: r.name, parentUrn: urns.get(r.parent), stack, project };
        const completed = (alias: AliasSpec) => ({ ...alias, parentUrn: alias.parentUrn && (urns.get(alias.parentUrn) ?? alias.parentUrn) });
        return [unwrapped(urn), componentAliases(r).map((alias) => unwrapped(collapseAlias(completed(alias), resource))).sort()];
    }));
}

describe("aliases to former names and types", () => {
    let topLevel: ProgramRun;
    let nested: ProgramRun;
    before(async () => {
        topLevel = await run(false);
        nested = await run(true);
    });

    it("are old URNs for a component at the top of its stack, and specs the engine completes inside another component", () => {
        const aliases = (programRun: ProgramRun) => programRun.registrations.flatMap(componentAliases);
        assert.ok(aliases(topLevel).length > 20, "every kind of child keeps some former identity");
        assert.deepStrictEqual(aliases(topLevel).filter((alias) => alias.urn === undefined), []);
        assert.deepStrictEqual(aliases(nested).filter((alias) => alias.urn !== undefined), []);
    });

    it("name the same old resources either way", () => {
        assert.deepStrictEqual([...oldUrns(topLevel)].sort(), [...oldUrns(nested)].sort());
    });

    it("keep each child's own type, or (for an Istio object) its kind under another istioApiVersion", () => {
        const urns = engineUrns(topLevel.registrations);
        for (const r of topLevel.registrations) {
            for (const alias of componentAliases(r)) {
                const old = parseUrn(alias.urn!);
                const type = old.qualifiedType.split("$").pop()!;
                const istio = (token: string) => /^kubernetes:(\w+\.istio\.io)\/(\w+):(\w+)$/.exec(token);
                const [now, then] = [istio(r.type), istio(type)];
                const sameKindElsewhere = now !== null && then !== null && now[1] === then[1] && now[3] === then[3]
                    && ISTIO_API_VERSIONS.some((version) => version.endsWith(`/${then[2]}`));
                assert.ok(type === r.type || sameKindElsewhere, `${r.name}: ${alias.urn}`);
                assert.strictEqual(old.qualifiedType.slice(0, -type.length), `${parseUrn(urns.get(r.parent)!).qualifiedType}$`, `${r.name}: same parent`);
            }
        }
    });
});

describe("an Istio object's type aliases", () => {
    it("name its kind under every other istioApiVersion; an AuthorizationPolicy only under the security versions those select", async () => {
        const typesOf = (programRun: ProgramRun, kind: string) => programRun.registrations.filter((r) => r.inputs.kind === kind)
            .map((r) => componentAliases(r).map((alias) => parseUrn(alias.urn!).qualifiedType.split("$").pop()));
        const topLevel = await run(false);
        const policies = typesOf(topLevel, "AuthorizationPolicy");
        assert.strictEqual(policies.length, 1);
        assert.deepStrictEqual(policies[0], ["kubernetes:security.istio.io/v1beta1:AuthorizationPolicy"]);
        const rules = typesOf(topLevel, "DestinationRule");
        assert.ok(rules.length > 0);
        for (const aliases of rules) {
            assert.deepStrictEqual(aliases, ["v1beta1", "v1alpha3"].map((version) => `kubernetes:networking.istio.io/${version}:DestinationRule`));
        }
    });
});

describe("aliases of a component that has aliases of its own", () => {
    it("are specs, so the engine completes them with the component's old URN: a rename and an istioApiVersion switch in one up keep everything", async () => {
        const oldArgs = { ...everythingArgs(), istioApiVersion: "networking.istio.io/v1beta1" };
        const old = await runWith((args) => new EgressTlsOrigination("old-egress", args), oldArgs);
        const renamed = await runWith((args) => new EgressTlsOrigination(COMPONENT, args, { aliases: [{ name: "old-egress" }] }));
        assert.deepStrictEqual(renamed.registrations.flatMap(componentAliases).filter((alias) => alias.urn !== undefined), []);
        const plan = planUp({ run: old }, { run: renamed });
        assert.deepStrictEqual(plan.errors, []);
        // The verify Job alone is replaced, as at every up (components/verify.ts): it runs anew.
        assert.deepStrictEqual(plan.steps.filter((s) => ["create", "delete", "replace"].includes(s.op)).map((s) => `${s.op} ${s.name}`), ["replace egress-tls-verify"]);
        assert.ok(plan.steps.filter((s) => s.aliasedFrom?.includes("networking.istio.io/v1beta1")).length > 5, "Istio objects found under their old type and parent");
    });

    it("are URNs again with the stack itself named as parent", async () => {
        const topLevel = await runWith((args) => new EgressTlsOrigination(COMPONENT, args, { parent: pulumi.runtime.getStackResource() }));
        assert.deepStrictEqual(topLevel.registrations.flatMap(componentAliases).filter((alias) => alias.urn === undefined), []);
    });
});

describe("formerAliases", () => {
    const child = { type: "kubernetes:core/v1:Secret", name: "egress-tls-credential-x" };

    it("makes a child's old URN under the component's qualified type, a former field left out being today's", () => {
        const prefix = topLevelChildUrnPrefix("dev", "proj", "egress-tls:index:EgressTlsOrigination");
        assert.strictEqual(prefix, "urn:pulumi:dev::proj::egress-tls:index:EgressTlsOrigination");
        assert.deepStrictEqual(formerAliases(prefix, child, [{ name: "egress-tls-x-credential" }, { type: "kubernetes:core/v1:ConfigMap" }]), [
            "urn:pulumi:dev::proj::egress-tls:index:EgressTlsOrigination$kubernetes:core/v1:Secret::egress-tls-x-credential",
            "urn:pulumi:dev::proj::egress-tls:index:EgressTlsOrigination$kubernetes:core/v1:ConfigMap::egress-tls-credential-x",
        ]);
    });

    it("gives the formers back as specs when the component's URN is not known", () => {
        assert.deepStrictEqual(formerAliases(undefined, child, [{ name: "old" }]), [{ name: "old" }]);
    });
});
