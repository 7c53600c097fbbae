import * as assert from "assert";
import { createHash } from "crypto";
import { DESTINATION_KINDS, SCENARIOS } from "./bench/scenarios";
import { cheapProviders } from "./support/cheapProviders";
import { ProgramRun, ProviderFn, Registration, runProgram } from "./support/harness";
import { runComponent } from "./support/scenarios";

// The benchmark compares the component with the same resources declared by hand (test/bench/direct/). That comparison
// is honest only while both declare the same thing: here, for every scenario and kind of destination, both register
// the same resources by type, inputs (secret markers included) and what each waits for, names aside.

/** JSON with sorted keys, so equal values print alike. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (typeof value === "object" && value !== null) {
        return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as any)[key])}`).join(",")}}`;
    }
    return JSON.stringify(value);
}

const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** cheapProviders' placeholder outputs, named by the resource's type and inputs instead of its name. */
const nameAgnosticProviders: ProviderFn = (type, _name, inputs, trigger) => cheapProviders(type, digest(canonical({ type, inputs })), inputs, trigger);

/**
 * Each custom resource as its type, inputs and the digests of the identities of what it waits for: its name and parent
 * left out.
 */
function identities(run: ProgramRun): string[] {
    const byUrn = new Map(run.registrations.map((r) => [r.urn, r]));
    const memo = new Map<string, string>();
    const identity = (registration: Registration): string => {
        let known = memo.get(registration.urn);
        if (known === undefined) {
            const waitsFor = registration.dependencies.map((urn) => digest(identity(byUrn.get(urn)!))).sort();
            known = canonical({ type: registration.type, inputs: registration.rawInputs, waitsFor });
            memo.set(registration.urn, known);
        }
        return known;
    };
    return run.registrations.filter((r) => r.custom).map(identity).sort();
}

function onlyIn(these: string[], those: string[]): string[] {
    const rest = [...those];
    return these.filter((item) => {
        const at = rest.indexOf(item);
        if (at >= 0) rest.splice(at, 1);
        return at < 0;
    });
}

describe("benchmark: the hand-written program declares what the component declares", () => {
    for (const scenario of SCENARIOS) {
        for (const kind of DESTINATION_KINDS) {
            it(`${scenario.name}, two ${kind} destinations`, async () => {
                const destinations = scenario.destinations(kind, 2);
                const component = await runComponent(scenario.args(destinations), nameAgnosticProviders);
                const direct = await runProgram(() => scenario.direct(destinations), nameAgnosticProviders);
                assert.deepStrictEqual(direct.registrations.filter((r) => !r.custom), [], "the direct program registers no component");
                const [componentResources, directResources] = [identities(component), identities(direct)];
                assert.ok(componentResources.length >= 3 * destinations.length, `only ${componentResources.length} resources`);
                const missing = onlyIn(componentResources, directResources);
                const extra = onlyIn(directResources, componentResources);
                assert.deepStrictEqual({ missing, extra }, { missing: [], extra: [] },
                    "direct/ must declare the component's resources (missing: only the component's; extra: only direct's)");
            });
        }
    }
});
