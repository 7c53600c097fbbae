import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./support/harness";
import { collapseAlias, engineUrn, engineUrns, parseUrn } from "./support/urns";

class Thing extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, props, opts);
    }
}

/** The harness records the resource options the engine plans with, as the SDK sends them in the RegisterResourceRequest. */
describe("the test harness's record of resource options", () => {
    it("records aliases as specs and URNs, replaceOnChanges, ignoreChanges, deleteBeforeReplace and deletedWith", async () => {
        const run = await runProgram(() => {
            const parent = new pulumi.ComponentResource("test:index:Parent", "parent");
            const owner = new Thing("owner", {}, { parent });
            new Thing("child", { value: "x" }, {
                parent,
                aliases: [
                    { name: "old-child" },
                    { type: "test:index:OldThing", parent: undefined },
                    { parent: owner },
                    "urn:pulumi:dev::egress-tls::test:index:Thing::older-child",
                ],
                replaceOnChanges: ["value"],
                ignoreChanges: ["other"],
                deleteBeforeReplace: true,
                deletedWith: owner,
            });
        });
        const parentUrn = run.get("test:index:Parent", "parent").urn;
        const child = run.get("test:index:Thing", "child");
        assert.deepStrictEqual(child.aliases, [
            { name: "old-child", parentUrn },
            { type: "test:index:OldThing", noParent: true },
            { parentUrn: run.get("test:index:Thing", "owner").urn },
            { urn: "urn:pulumi:dev::egress-tls::test:index:Thing::older-child" },
        ]);
        assert.deepStrictEqual(child.replaceOnChanges, ["value"]);
        assert.deepStrictEqual(child.ignoreChanges, ["other"]);
        assert.strictEqual(child.deleteBeforeReplace, true);
        assert.strictEqual(child.deletedWith, run.get("test:index:Thing", "owner").urn);
        assert.deepStrictEqual(run.get("test:index:Thing", "owner").aliases, []);
    });

    it("computes URNs and alias URNs the way the engine does, not the way the mocks do", async () => {
        const run = await runProgram(() => {
            const outer = new pulumi.ComponentResource("test:index:Outer", "outer");
            const inner = new pulumi.ComponentResource("test:index:Inner", "inner", {}, { parent: outer });
            new Thing("thing", {}, { parent: inner, aliases: [{ name: "old" }, { parent: undefined }] });
        });
        const urns = engineUrns(run.registrations);
        const thing = run.get("test:index:Thing", "thing");
        const thingUrn = urns.get(thing.urn)!;
        assert.strictEqual(thingUrn, "urn:pulumi:dev::egress-tls::test:index:Outer$test:index:Inner$test:index:Thing::thing");
        assert.strictEqual(parseUrn(thing.urn).qualifiedType, "test:index:Inner$test:index:Thing", "the mocks prefix the last parent type only");
        const resource = { type: thing.type, name: thing.name, parentUrn: urns.get(thing.parent), stack: "dev", project: "egress-tls" };
        const innerUrn = urns.get(thing.parent)!;
        const [renamed, unparented] = thing.aliases.map((alias) => ({ ...alias, parentUrn: alias.parentUrn && urns.get(alias.parentUrn) }));
        assert.strictEqual(collapseAlias(renamed, resource), thingUrn.replace(/::thing$/, "::old"));
        assert.strictEqual(collapseAlias(unparented, resource), "urn:pulumi:dev::egress-tls::test:index:Thing::thing");
        const movedInner = "urn:pulumi:dev::egress-tls::test:index:Inner::inner";
        assert.strictEqual(collapseAlias(renamed, resource, (urn) => (urn === innerUrn ? movedInner : undefined)),
            "urn:pulumi:dev::egress-tls::test:index:Inner$test:index:Thing::old", "a parent found through its alias lends its old URN");
        assert.strictEqual(engineUrn("dev", "p", "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", "t:i:T", "n"), "urn:pulumi:dev::p::t:i:T::n");
    });
});
