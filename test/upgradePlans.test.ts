import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { EgressTlsOriginationArgs } from "../components";
import { isRenderStack } from "../components/config";
import { cheapProviders } from "./support/cheapProviders";
import { stackConfig } from "./support/devStack";
import { TYPES } from "./support/fixtures";
import { ProgramRun, programRun, ProviderFn } from "./support/harness";
import { kubernetesIdentity } from "./support/kubernetesDiff";
import { Plan, planUp } from "./support/plan";
import { COMPONENT, devStackArgs, ecdsaCaArgs, runComponent } from "./support/scenarios";
import { REPO_ROOT } from "./support/repoPaths";
import { runStackProgram } from "./support/stackProgram";
import { SimulatedProviders } from "./support/tlsProvider";

// Routine changes to a deployed stack, run through the planner (test/support/plan.ts): what `pulumi up` would really do.

const CHECKSUM_ANNOTATION = "egress-tls.dev/config-checksum";

/** The dev stack's config with ECDSA keys (fast to make), changed by `change`. */
function devConfig(change: (config: { [key: string]: string }) => void = () => undefined): { [key: string]: string } {
    const config = { ...stackConfig(), [`${COMPONENT}:ca`]: JSON.stringify(ecdsaCaArgs()) };
    change(config);
    return config;
}

function destinations(config: { [key: string]: string }): any[] {
    return JSON.parse(config[`${COMPONENT}:destinations`]);
}

/** Certificates @pulumi/tls re-issues once they are in their renewal window (docs/certificates.md). */
const RENEWED: string[] = [TYPES.selfSignedCert, TYPES.locallySignedCert];

/**
 * Two `pulumi up`s of one stack: the same simulated providers keep what they made while its inputs stay; with
 * `renewal`, the certificates are in their renewal window at the second.
 */
async function upTwice(before: { [key: string]: string }, after: { [key: string]: string }, renewal = false): Promise<{ plan: Plan; old: ProgramRun; next: ProgramRun }> {
    const providers = new SimulatedProviders();
    const old = await runStackProgram(before, providers.provider);
    if (renewal) RENEWED.forEach((type) => providers.renew(type));
    const next = await runStackProgram(after, providers.provider);
    const replacedByProvider = (r: { type: string }) => renewal && RENEWED.includes(r.type);
    return { plan: planUp({ run: old, config: before }, { run: next, config: after }, { replacedByProvider }), old, next };
}

/** Steps on Kubernetes objects of `kind`, as `op (delete first) name`. */
function kubernetesSteps(plan: Plan, kind: string): string[] {
    return plan.steps.filter((s) => s.type.startsWith("kubernetes:") && s.registration.inputs.kind === kind)
        .map((s) => `${s.op}${s.deleteFirst ? " (delete first)" : ""} ${s.registration.inputs.metadata.namespace}/${s.registration.inputs.metadata.name}`).sort();
}

/** No Secret or ConfigMap is deleted, first or at all, and nothing collides with a live object. */
function assertCredentialsStay(plan: Plan): void {
    for (const kind of ["Secret", "ConfigMap"]) {
        assert.deepStrictEqual(kubernetesSteps(plan, kind).filter((step) => !/^(same|update) /.test(step)), [], `${kind}s replaced or deleted`);
    }
    assert.deepStrictEqual(plan.collisions, []);
    assert.deepStrictEqual(plan.errors, []);
}

describe("what pulumi up does to the dev stack (the planner over two runs)", () => {
    it("a CA rotation step re-issues the keys and certificates and updates every Secret in place", async () => {
        // The whole-list replacement (a compromised CA): every key and certificate is new, under generation 2's names.
        const rotated = devConfig((c) => { c[`${COMPONENT}:ca`] = JSON.stringify({ ...ecdsaCaArgs(), generations: ["2"] }); });
        const { plan, old, next } = await upTwice(devConfig(), rotated);
        assertCredentialsStay(plan);
        const withoutMutability = { "kubernetes:context": "kind" };
        assert.deepStrictEqual(kubernetesSteps(planUp({ run: old, config: withoutMutability }, { run: next, config: withoutMutability }), "Secret").map((step) => step.split(" (")[0]),
            ["replace", "replace", "replace"], "what the provider's defaults would do: delete each Secret, then create it");
        assert.deepStrictEqual(kubernetesSteps(plan, "Secret"), ["update istio-system/client-credential-cacert", "update mesh-external/nginx-ca-certs", "update mesh-external/nginx-server-certs"]);
        const keySteps = plan.steps.filter((s) => s.type === TYPES.privateKey);
        assert.deepStrictEqual(keySteps.map((s) => s.op).sort(), ["create", "create", "delete", "delete"], "generation 2's keys are new resources");
        assert.ok(keySteps.every((s) => !s.deleteFirst), "new keys are made before the old ones go (deletes run last)");
        assert.deepStrictEqual(kubernetesSteps(plan, "Deployment"), ["update mesh-external/my-nginx"]);
    });

    it("a renewal (the tls provider re-issues certificates in their window) updates every Secret in place", async () => {
        const { plan, old, next } = await upTwice(devConfig(), devConfig(), true);
        assertCredentialsStay(plan);
        assert.deepStrictEqual(kubernetesSteps(plan, "Secret"), ["update istio-system/client-credential-cacert", "update mesh-external/nginx-ca-certs", "update mesh-external/nginx-server-certs"]);
        const checksum = (run: ProgramRun) => run.objectsOfKind("Deployment")[0].inputs.spec.template.metadata.annotations[CHECKSUM_ANNOTATION];
        assert.notStrictEqual(checksum(next), checksum(old), "the server rolls onto its new certificate");
    });

    it("an nginx.conf change updates the ConfigMap in place and rolls the server through the checksum", async () => {
        const mutual = devConfig((c) => { c[`${COMPONENT}:destinations`] = JSON.stringify(destinations(c).map((d) => ({ ...d, mode: "MUTUAL" }))); });
        const { plan, old, next } = await upTwice(devConfig(), mutual);
        assert.deepStrictEqual(plan.collisions, []);
        assert.deepStrictEqual(kubernetesSteps(plan, "Secret"), [
            // MUTUAL reads the credential under its own name: a new Secret, made before the rule points to it, the old one deleted last.
            "create istio-system/client-credential", "delete istio-system/client-credential-cacert",
            "same mesh-external/nginx-ca-certs", "same mesh-external/nginx-server-certs",
        ]);
        const nginxConf = (run: ProgramRun) => run.objectsOfKind("ConfigMap")[0].inputs.data["nginx.conf"];
        assert.notStrictEqual(nginxConf(next), nginxConf(old));
        assert.deepStrictEqual(kubernetesSteps(plan, "ConfigMap"), ["update mesh-external/nginx-configmap"]);
        const deployment = plan.step(TYPES.deployment, next.objectsOfKind("Deployment")[0].name);
        assert.strictEqual(deployment.op, "update");
        assert.ok(deployment.reasons.includes(`.spec.template.metadata.annotations.${CHECKSUM_ANNOTATION}`), deployment.reasons.join(", "));
    });

    it("an istioApiVersion switch creates and deletes nothing: the Istio objects are updated under their aliases", async () => {
        for (const [from, to] of [["networking.istio.io/v1", "networking.istio.io/v1alpha3"]]) {
            // With allowedFrom, so the AuthorizationPolicy (security.istio.io) switches version too.
            const withVersion = (version: string) => devConfig((c) => {
                c[`${COMPONENT}:istioApiVersion`] = version;
                c[`${COMPONENT}:destinations`] = JSON.stringify(destinations(c).map((d) => ({ ...d, allowedFrom: [{ namespace: "shop" }] })));
            });
            const { plan, next } = await upTwice(withVersion(from), withVersion(to));
            assert.strictEqual(next.objectsOfKind("AuthorizationPolicy").length, 1);
            assert.deepStrictEqual(plan.steps.filter((s) => s.op !== "same" && s.op !== "update").map((s) => `${s.op} ${s.name}`), [], `${from} → ${to}`);
            assert.deepStrictEqual(plan.collisions, []);
            assert.ok(plan.steps.some((s) => s.aliasedFrom?.includes(from)), "found through the old type");
        }
    });

    it("a destination rename creates and deletes no object whose Kubernetes name stays, and collides with nothing", async () => {
        const renamed = devConfig((c) => { c[`${COMPONENT}:destinations`] = JSON.stringify(destinations(c).map((d) => ({ ...d, name: "web" }))); });
        const { plan, old, next } = await upTwice(devConfig(), renamed);
        const identities = (run: ProgramRun) => new Set(run.registrations.filter((r) => r.inputs?.kind && r.type.startsWith("kubernetes:")).map((r) => kubernetesIdentity(r.inputs)));
        const kept = [...identities(old)].filter((identity) => identities(next).has(identity));
        assert.ok(kept.includes("core/Secret istio-system/client-credential-cacert") && kept.includes("apps/Deployment mesh-external/my-nginx"), kept.join(", "));
        const touched = plan.steps.filter((s) => s.registration.inputs?.kind && kept.includes(kubernetesIdentity(s.registration.inputs)) && !["same", "update"].includes(s.op));
        assert.deepStrictEqual(touched.map((s) => `${s.op} ${s.name}`), []);
        assert.deepStrictEqual(plan.collisions, []);
        assert.deepStrictEqual(plan.errors, []);
    });
});

describe("what pulumi up does to a deployed gateway (the planner over two runs)", () => {
    const args = (selector: { [label: string]: string }, where: { namespace?: string; name?: string } = {}): EgressTlsOriginationArgs => ({
        ...devStackArgs(),
        ca: ecdsaCaArgs(),
        gateway: { namespace: "egress", name: "egress-gw", ...where, selector, deploy: true, chartVersion: "1.28.0" },
    });
    const run = (selector: { [label: string]: string }, provider: ProviderFn, where: { namespace?: string; name?: string } = {}) => runComponent(args(selector, where), provider);
    const MUTABLE = { "kubernetes:enableSecretMutable": "true", "kubernetes:enableConfigMapMutable": "true" };
    const SELECTOR = { app: "egress-gw" };
    const releaseSteps = (plan: Plan) => plan.steps.filter((s) => s.type === TYPES.release)
        .map((s) => `${s.op}${s.deleteFirst ? " (delete first)" : ""} ${s.registration.inputs.namespace}/${s.registration.inputs.name}`);
    /** The run as main deployed it, when the release's Pulumi name was `<component>-gateway-chart` whatever the gateway. */
    const asDeployedBeforeReleaseNames = (deployed: ProgramRun) => programRun(deployed.registrations.map((r) => r.type !== TYPES.release ? r
        : { ...r, name: `${COMPONENT}-gateway-chart`, urn: r.urn.replace(/::[^:]*$/, `::${COMPONENT}-gateway-chart`), aliases: [] }));

    it("a gateway.selector change replaces the Helm release, uninstalling the old one first", async () => {
        const plan = planUp({ run: await run({ app: "egress-gw" }, cheapProviders), config: MUTABLE }, { run: await run({ app: "egress-gw", tier: "egress" }, cheapProviders), config: MUTABLE });
        const [release] = plan.steps.filter((s) => s.type === TYPES.release);
        assert.deepStrictEqual([release.op, release.deleteFirst, release.reasons], ["replace", true, ["replacementTrigger"]]);
        assert.deepStrictEqual(plan.collisions, []);
    });

    const moves: [string, { namespace?: string; name?: string }][] = [["gateway.name", { name: "egress-gw-2" }], ["gateway.namespace", { namespace: "egress-2" }]];
    for (const [field, where] of moves) {
        it(`a ${field} change installs the new release before it uninstalls the old one`, async () => {
            const plan = planUp({ run: await run(SELECTOR, cheapProviders), config: MUTABLE }, { run: await run(SELECTOR, cheapProviders, where), config: MUTABLE });
            // A new Pulumi name, so a create (the engine's creates run first) and a delete (deletes run last).
            const moved = { namespace: "egress", name: "egress-gw", ...where };
            assert.deepStrictEqual(releaseSteps(plan), [`create ${moved.namespace}/${moved.name}`, "delete egress/egress-gw"]);
            assert.deepStrictEqual(plan.collisions, []);
            assert.deepStrictEqual(plan.errors, []);
        });
    }

    it("a stack deployed before releases were named after the gateway keeps its release; renaming in that same up is delete-first", async () => {
        const deployed = asDeployedBeforeReleaseNames(await run(SELECTOR, cheapProviders));
        const kept = planUp({ run: deployed, config: MUTABLE }, { run: await run(SELECTOR, cheapProviders), config: MUTABLE });
        assert.deepStrictEqual(releaseSteps(kept), ["same egress/egress-gw"]);
        assert.match(kept.steps.find((s) => s.type === TYPES.release)!.aliasedFrom!, /::egress-tls-gateway-chart$/);
        // Found through the alias, the old release is this resource: the rename is its replacement (docs/upgrading.md).
        const renamed = planUp({ run: deployed, config: MUTABLE }, { run: await run(SELECTOR, cheapProviders, { name: "egress-gw-2" }), config: MUTABLE });
        assert.deepStrictEqual(releaseSteps(renamed), ["replace (delete first) egress/egress-gw-2"]);
    });

    it("the same selector, in another order, replaces nothing", async () => {
        const plan = planUp({ run: await run({ app: "egress-gw", tier: "egress" }, cheapProviders), config: MUTABLE }, { run: await run({ tier: "egress", app: "egress-gw" }, cheapProviders), config: MUTABLE });
        assert.deepStrictEqual(plan.changes(), []);
    });
});

describe("render mode and a deployed stack", () => {
    it("no config switches a deployed stack to rendering: the program refuses every key that would", async () => {
        for (const key of [`${COMPONENT}:renderYamlTo`, "kubernetes:renderYamlToDirectory"]) {
            await assert.rejects(runStackProgram(devConfig((c) => { c[key] = "out"; }), cheapProviders), /deletes them from the cluster/);
        }
    });

    it("npm run render uses a state folder of its own and a stack the program renders in, never the applied stack", () => {
        const scripts = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).scripts;
        const backend = (script: string) => /PULUMI_BACKEND_URL=\\?"file:\/\/\$PWD\/([^"\\]+)\\?"/.exec(script)?.[1];
        assert.strictEqual(backend(scripts.render), ".pulumi-render-state");
        assert.notStrictEqual(backend(scripts.pulumi), backend(scripts.render));
        const stack = /stack select --create (\S+)/.exec(scripts.render)![1];
        assert.ok(isRenderStack(stack), stack);
    });

    it("a render stack renders everything from its first run, so it never holds a live object to replace", async () => {
        const rendering = await runStackProgram(devConfig(), cheapProviders, [], "render");
        const plan = planUp({ run: programRun([]) }, { run: rendering });
        assert.ok(plan.steps.every((s) => s.op === "create"));
        const renderers = new Set(rendering.ofType("pulumi:providers:kubernetes").filter((p) => p.inputs.renderYamlToDirectory).map((p) => p.urn));
        const objects = rendering.registrations.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(objects.length > 0 && objects.every((r) => renderers.has(r.provider.split("::").slice(0, -1).join("::"))));
    });
});
