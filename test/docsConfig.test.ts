import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { acceptedComponentPaths, acceptedStackKeys } from "./support/acceptedConfig";
import { REPO_ROOT } from "./support/repoPaths";

const REFERENCE = path.join("docs", "configuration.md");

/**
 * The keys docs/configuration.md's reference tables document. A reference table's header starts with `key` (full paths)
 * or with a backticked parent and `field` (`` `destinations[]` field ``: paths below it); its rows' first cells
 * name one or more keys in backticks.
 */
function documentedPaths(markdown: string): string[] {
    const paths: string[] = [];
    let parent: string | undefined;
    for (const line of markdown.split("\n")) {
        if (!line.startsWith("|")) {
            parent = undefined;
            continue;
        }
        const firstCell = line.split("|")[1].trim();
        const header = /^key$/.exec(firstCell) ? "" : /^`([^`]+)` field$/.exec(firstCell)?.[1];
        if (header !== undefined) parent = header;
        else if (parent !== undefined && !/^-+$/.test(firstCell)) {
            for (const [, key] of firstCell.matchAll(/`([^`]+)`/g)) paths.push(parent ? `${parent}.${key}` : key);
        }
    }
    return paths;
}

/** Paths with nothing accepted below them: each must be documented itself (a container may be, or be by its keys). */
function leaves(paths: string[]): string[] {
    return paths.filter((p) => !paths.some((other) => other.startsWith(`${p}.`) || other.startsWith(`${p}[].`)));
}

describe("docs: the configuration reference and the program accept the same keys", () => {
    const documented = documentedPaths(readFileSync(path.join(REPO_ROOT, REFERENCE), "utf8"));
    const component = acceptedComponentPaths();
    const stack = acceptedStackKeys();
    const accepted = [...new Set([...component, ...stack])];

    it("finds the keys on both sides (the probe and the docs' table format still work)", () => {
        for (const key of ["destinations", "destinations[].server.name", "gateway.selector", "ca.generations", "lockdown.namespaces"]) {
            assert.ok(component.includes(key), `probe did not find ${key}: ${component.join(", ")}`);
        }
        assert.ok(stack.includes("renderYamlTo") && stack.includes("destinations"), stack.join(", "));
        assert.ok(documented.includes("destinations[].host") && documented.includes("gateway.name"), documented.join(", "));
    });

    it("documents every key the program accepts", () => {
        const undocumented = leaves(accepted).filter((key) => !documented.includes(key));
        assert.deepStrictEqual(undocumented, [], `accepted but not in ${REFERENCE}'s reference tables: ${undocumented.join(", ")}`);
    });

    it("documents only keys the program accepts", () => {
        const unknown = documented.filter((key) => !accepted.includes(key));
        assert.deepStrictEqual(unknown, [], `in ${REFERENCE} but refused by the program: ${unknown.join(", ")}`);
    });

    it("reads every component argument from the stack config, as the reference says (key for key)", () => {
        const topLevel = component.filter((key) => !/[.[]/.test(key));
        assert.deepStrictEqual(topLevel.filter((key) => !stack.includes(key)), []);
    });
});
