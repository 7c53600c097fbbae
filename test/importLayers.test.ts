import * as assert from "assert";
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import * as ts from "typescript";
import { REPO_ROOT } from "./support/repoPaths";

// The component's modules read as layers, config → resolved args → renderers → wiring (docs/development.md): no module
// may reach, through its imports, back to itself. naming.ts and config/index.ts once imported each other; this keeps
// that circle, and any other, from coming back. Type-only imports count: they are how such a circle starts.

const COMPONENTS = path.join(REPO_ROOT, "components");

function sourceFiles(directory: string): string[] {
    return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
        const file = path.join(directory, entry.name);
        if (entry.isDirectory()) return sourceFiles(file);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
    });
}

/** The component's modules each file imports (relative imports resolved to files; packages left out). */
function importGraph(): Map<string, string[]> {
    const resolve = (from: string, specifier: string) => {
        const base = path.resolve(path.dirname(from), specifier);
        return [`${base}.ts`, path.join(base, "index.ts")].find(existsSync);
    };
    return new Map(sourceFiles(COMPONENTS).map((file) => {
        const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
        const imported = importedFiles.filter(({ fileName }) => fileName.startsWith(".")).map(({ fileName }) => resolve(file, fileName));
        return [file, imported.filter((target): target is string => target !== undefined)];
    }));
}

/** Each circle of imports, as the files along it, found by depth-first search. */
function importCircles(graph: Map<string, string[]>): string[][] {
    const circles: string[][] = [];
    const done = new Set<string>();
    const visit = (file: string, trail: string[]) => {
        const at = trail.indexOf(file);
        if (at >= 0) { circles.push([...trail.slice(at), file]); return; }
        if (done.has(file)) return;
        for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
        done.add(file);
    };
    for (const file of graph.keys()) visit(file, []);
    return circles;
}

describe("the component's import layers", () => {
    it("finds every relative import, type-only ones included, and a circle where there is one", () => {
        const graph = importGraph();
        const naming = path.join(COMPONENTS, "naming.ts");
        assert.ok(graph.size > 20 && (graph.get(path.join(COMPONENTS, "egressTlsOrigination.ts")) ?? []).length > 5);
        assert.deepStrictEqual(importCircles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]])), [["a", "b", "c", "a"]]);
        assert.ok(graph.has(naming));
    });

    it("has no circle: naming and config, and every other module, import only what sits below them", () => {
        const relative = (file: string) => path.relative(REPO_ROOT, file);
        assert.deepStrictEqual(importCircles(importGraph()).map((circle) => circle.map(relative).join(" → ")), []);
    });
});
