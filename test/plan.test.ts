import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./support/harness";
import { forceNewProperties, helmReleaseDiff, kubernetesDiff, kubernetesDiffConfig, kubernetesSettings } from "./support/kubernetesDiff";
import { planUp } from "./support/plan";

const IMMUTABLE_DEFAULTS = kubernetesSettings({});
const MUTABLE = kubernetesSettings({ enableSecretMutable: "true", enableConfigMapMutable: "true" });

function object(kind: string, apiVersion: string, fields: object, name = "x", namespace = "ns"): any {
    return { apiVersion, kind, metadata: { name, namespace }, ...fields };
}

/**
 * Cases from pulumi-kubernetes' own tests: provider/pkg/provider/diff_test.go `TestPatchToDiff` (U = update,
 * UR = update-replace), provider_diffconfig_test.go, and the `forceNew` table in diff.go.
 */
describe("the Kubernetes provider's diff rules (pulumi-kubernetes diff_test.go TestPatchToDiff)", () => {
    const cases: [string, string, object, object, boolean, ReturnType<typeof kubernetesSettings>][] = [
        ["PVC resources don't trigger a replace.", "PersistentVolumeClaim",
            { spec: { resources: { requests: { storage: "10Gi" } } } }, { spec: { resources: { requests: { storage: "20Gi" } } } }, false, IMMUTABLE_DEFAULTS],
        ["ConfigMap resources don't trigger a replace when mutable.", "ConfigMap", { data: { property1: "3" } }, { data: { property1: "4" } }, false, MUTABLE],
        ["ConfigMap resources trigger a replace when enableConfigMapMutable is not set.", "ConfigMap", { data: { property1: "3" } }, { data: { property1: "4" } }, true, IMMUTABLE_DEFAULTS],
        ["ConfigMap resources trigger a replace when marked as immutable even when enableConfigMapMutable is set.", "ConfigMap",
            { data: { property1: "3" }, immutable: true }, { data: { property1: "4" }, immutable: true }, true, MUTABLE],
        ["Secret resources don't trigger a replace when mutable.", "Secret", { data: { property1: "3" } }, { data: { property1: "4" } }, false, MUTABLE],
        ["Secret resources trigger a replace when enableSecretMutable is not set.", "Secret", { data: { property1: "3" } }, { data: { property1: "4" } }, true, IMMUTABLE_DEFAULTS],
        ["Secret resources trigger a replace when type changes even if enableSecretMutable is set.", "Secret",
            { type: "kubernetes.io/dockerconfigjson", data: { property1: "3" } }, { type: "Opaque", data: { property1: "3" } }, true, MUTABLE],
        ["Secret resources trigger a replace when marked as immutable even if enableSecretMutable is set.", "Secret",
            { data: { property1: "3" }, immutable: true }, { data: { property1: "4" }, immutable: true }, true, MUTABLE],
    ];
    for (const [title, kind, olds, news, replaces, settings] of cases) {
        it(title, () => {
            const diff = kubernetesDiff(object(kind, "v1", olds), object(kind, "v1", news), settings);
            assert.strictEqual(diff.changes, true);
            assert.strictEqual(diff.replaceKeys.length > 0, replaces, `replace keys: ${diff.replaceKeys}`);
            assert.strictEqual(diff.deleteBeforeReplace, replaces, "a named object keeping its name is replaced delete-first");
        });
    }

    it("stringData of a Secret forces replacement like data unless mutable (diff.go forceNewProperties)", () => {
        assert.ok(forceNewProperties(object("Secret", "v1", {}), IMMUTABLE_DEFAULTS).includes(".stringData"));
        assert.deepStrictEqual(forceNewProperties(object("Secret", "v1", {}), MUTABLE), [".metadata.name", ".metadata.namespace", ".type"]);
    });

    it("a Deployment's selector is immutable; its template is not (diff.go forceNew apps/v1 Deployment)", () => {
        const deployment = (app: string, image: string) => object("Deployment", "apps/v1", { spec: { selector: { matchLabels: { app } }, template: { spec: { containers: [{ name: "c", image }] } } } });
        assert.deepStrictEqual(kubernetesDiff(deployment("a", "i:1"), deployment("a", "i:2"), IMMUTABLE_DEFAULTS).replaceKeys, []);
        const selector = kubernetesDiff(deployment("a", "i:1"), deployment("b", "i:1"), IMMUTABLE_DEFAULTS);
        assert.deepStrictEqual(selector.replaceKeys, [".spec.selector", ".spec.selector.matchLabels"]);
        assert.strictEqual(selector.deleteBeforeReplace, true);
    });

    it("a new name replaces create-first: provider.go Diff deletes first only when name and namespace stay", () => {
        const diff = kubernetesDiff(object("ConfigMap", "v1", {}, "old"), object("ConfigMap", "v1", {}, "new"), MUTABLE);
        assert.deepStrictEqual(diff.replaceKeys, [".metadata.name"]);
        assert.strictEqual(diff.deleteBeforeReplace, false);
    });

    it("a custom resource (an Istio object) is replaced only by a new name or namespace", () => {
        const rule = (host: string, namespace = "ns") => object("DestinationRule", "networking.istio.io/v1", { spec: { host } }, "r", namespace);
        assert.deepStrictEqual(kubernetesDiff(rule("a"), rule("b"), IMMUTABLE_DEFAULTS).replaceKeys, []);
        assert.deepStrictEqual(kubernetesDiff(rule("a"), rule("a", "other"), IMMUTABLE_DEFAULTS).replaceKeys, [".metadata.namespace"]);
    });

    it("a Helm release is replaced only by a new name or namespace, and never delete-first (helm_release.go Diff)", () => {
        assert.deepStrictEqual(helmReleaseDiff({ name: "g", values: { a: 1 } }, { name: "g", values: { a: 2 } }), { changes: true, replaceKeys: [], deleteBeforeReplace: false });
        assert.deepStrictEqual(helmReleaseDiff({ name: "g" }, { name: "h" }), { changes: true, replaceKeys: ["name"], deleteBeforeReplace: false });
    });

    it("DiffConfig: a new renderYamlToDirectory replaces every object; an explicit kubeconfig does not (provider_diffconfig_test.go)", () => {
        assert.deepStrictEqual(kubernetesDiffConfig({}, { renderYamlToDirectory: "out" }).replaceKeys, ["renderYamlToDirectory"]);
        assert.deepStrictEqual(kubernetesDiffConfig({}, { kubeconfig: "/home/me/.kube/config" }), { changes: true, replaceKeys: [], deleteBeforeReplace: false });
        assert.deepStrictEqual(kubernetesDiffConfig({ enableSecretMutable: "true" }, { enableSecretMutable: "true" }).changes, false);
    });

    it("alwaysRender reports a change for every object in render mode (provider.go Diff)", () => {
        const settings = kubernetesSettings({ renderYamlToDirectory: "out", alwaysRender: "true" });
        const same = object("ConfigMap", "v1", { data: { a: "1" } });
        assert.strictEqual(kubernetesDiff(same, same, settings).changes, true);
    });
});

function secret(name: string, data: string, opts: pulumi.CustomResourceOptions = {}, objectName = "fixed"): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(name, { metadata: { name: objectName, namespace: "ns" }, stringData: { value: data } }, opts);
}

/** The engine's rules, on small programs run twice (pulumi/pulumi pkg/resource/deploy/step_generator.go). */
describe("planUp: the engine's steps between two runs", () => {
    const MUTABLE_CONFIG = { "kubernetes:enableSecretMutable": "true" };

    it("same inputs: same; changed Secret data: replace delete-first on a default provider, update in place when mutable", async () => {
        const old = await runProgram(() => secret("s", "1"));
        assert.deepStrictEqual(planUp({ run: old }, { run: await runProgram(() => secret("s", "1")) }).changes(), []);
        const changed = await runProgram(() => secret("s", "2"));
        assert.deepStrictEqual(planUp({ run: old }, { run: changed }).changes(), ["replace (delete first) kubernetes:core/v1:Secret::s"]);
        assert.deepStrictEqual(planUp({ run: old, config: MUTABLE_CONFIG }, { run: changed, config: MUTABLE_CONFIG }).changes(), ["update kubernetes:core/v1:Secret::s"]);
    });

    it("an explicit provider's settings apply to its resources", async () => {
        const program = (data: string) => () => {
            const provider = new k8s.Provider("k8s", { enableSecretMutable: true });
            secret("s", data, { provider });
        };
        const plan = planUp({ run: await runProgram(program("1")) }, { run: await runProgram(program("2")) });
        assert.deepStrictEqual(plan.changes(), ["update kubernetes:core/v1:Secret::s"]);
    });

    it("a new Pulumi name without alias: create and delete, and the fixed-name object collides", async () => {
        const plan = planUp({ run: await runProgram(() => secret("old", "1")) }, { run: await runProgram(() => secret("new", "1")) });
        assert.deepStrictEqual(plan.changes().sort(), ["create kubernetes:core/v1:Secret::new", "delete kubernetes:core/v1:Secret::old"]);
        assert.deepStrictEqual(plan.collisions, ["core/Secret ns/fixed: created by new while the old object still exists"]);
    });

    it("an alias to the old name keeps the resource", async () => {
        const plan = planUp({ run: await runProgram(() => secret("old", "1")) }, { run: await runProgram(() => secret("new", "1", { aliases: [{ name: "old" }] })) });
        assert.deepStrictEqual(plan.changes(), []);
        assert.match(plan.step("kubernetes:core/v1:Secret", "new").aliasedFrom!, /::old$/);
    });

    it("a renamed parent with an alias carries its children, renamed with it (inheritedChildAlias)", async () => {
        const program = (name: string, aliases: pulumi.Input<pulumi.URN | pulumi.Alias>[]) => () => {
            const parent = new pulumi.ComponentResource("test:index:Parent", name, {}, { aliases });
            secret(`${name}-secret`, "1", { parent });
        };
        const plan = planUp({ run: await runProgram(program("app", [])) }, { run: await runProgram(program("newapp", [{ name: "app" }])) });
        assert.deepStrictEqual(plan.changes(), []);
        assert.match(plan.step("kubernetes:core/v1:Secret", "newapp-secret").aliasedFrom!, /test:index:Parent\$kubernetes:core\/v1:Secret::app-secret$/);
    });

    it("two resources claiming one old URN is an engine error", async () => {
        const plan = planUp({ run: await runProgram(() => secret("old", "1")) }, {
            run: await runProgram(() => {
                secret("a", "1", { aliases: [{ name: "old" }] }, "a");
                secret("b", "1", { aliases: [{ name: "old" }] }, "b");
            }),
        });
        assert.strictEqual(plan.errors.length, 1);
    });

    it("replaceOnChanges turns an update into a replace; deleteBeforeReplace: false overrides the provider's delete-first", async () => {
        const opts = { replaceOnChanges: ["stringData"], deleteBeforeReplace: false };
        const plan = planUp({ run: await runProgram(() => secret("s", "1", opts)), config: MUTABLE_CONFIG }, { run: await runProgram(() => secret("s", "2", opts)), config: MUTABLE_CONFIG });
        assert.deepStrictEqual(plan.changes(), ["replace kubernetes:core/v1:Secret::s"]);
        assert.deepStrictEqual(plan.collisions, ["core/Secret ns/fixed: s replaced create-first under the same name"]);
    });

    it("a changed replacementTrigger replaces, delete-first with deleteBeforeReplace", async () => {
        const program = (trigger: string) => () => secret("s", "1", { replacementTrigger: trigger, deleteBeforeReplace: true });
        const old = await runProgram(program("a"));
        assert.deepStrictEqual(planUp({ run: old }, { run: await runProgram(program("a")) }).changes(), []);
        const plan = planUp({ run: old }, { run: await runProgram(program("b")) });
        assert.deepStrictEqual(plan.changes(), ["replace (delete first) kubernetes:core/v1:Secret::s"]);
        assert.deepStrictEqual(plan.step("kubernetes:core/v1:Secret", "s").reasons, ["replacementTrigger"]);
    });

    it("a replacementTrigger added where there was none replaces nothing (step_generator.go shouldTriggerReplace)", async () => {
        const plan = planUp({ run: await runProgram(() => secret("s", "1")) }, { run: await runProgram(() => secret("s", "1", { replacementTrigger: "a" })) });
        assert.deepStrictEqual(plan.changes(), []);
    });

    it("moving resources to a provider that renders YAML replaces them: the live objects are deleted", async () => {
        const old = await runProgram(() => secret("s", "1"));
        const rendered = await runProgram(() => secret("s", "1", { provider: new k8s.Provider("render", { renderYamlToDirectory: "out" }) }));
        assert.deepStrictEqual(planUp({ run: old }, { run: rendered }).changes(), ["create pulumi:providers:kubernetes::render", "replace kubernetes:core/v1:Secret::s"],
            "the engine replaces for a provider change create-first: the file is written, then the live object deleted");
        const viaStackConfig = planUp({ run: old }, { run: await runProgram(() => secret("s", "1")), config: { "kubernetes:renderYamlToDirectory": "out" } });
        assert.deepStrictEqual(viaStackConfig.step("kubernetes:core/v1:Secret", "s").reasons, ["provider"]);
    });
});
