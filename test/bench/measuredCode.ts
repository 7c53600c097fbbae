import { createHash } from "crypto";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";

// Saved runs are judged together only when they measured the same code (savedRuns.ts). What a benchmark process
// measures is what it loaded: the repository's modules it required, the YAML beside them (the direct programs read
// theirs), and the root files that decide the rest. Code the process never loads (main.ts, the report, the verdicts)
// is left out, so a change to how runs are judged does not orphan the runs already saved.

/**
 * Read by every benchmark process without being required: the locked dependencies, ts-node's compiler options (they
 * decide the emitted code), and the dev stack's config, from which the scenarios take the component's args.
 */
export const ROOT_INPUTS = ["package-lock.json", "tsconfig.json", "Pulumi.dev.yaml"];

/** A digest of the repository's files among `loadedModules` (require.cache's keys), the YAML files beside them, and ROOT_INPUTS. */
export function measuredCodeDigest(repoRoot: string, loadedModules: string[]): string {
    const relative = (file: string) => path.relative(repoRoot, file);
    const modules = loadedModules.filter((file) => !relative(file).startsWith("..") && !relative(file).split(path.sep).includes("node_modules"));
    const yamlBeside = [...new Set(modules.map((file) => path.dirname(file)))].flatMap((directory) => readdirSync(directory)
        .filter((entry) => /^[^.].*\.ya?ml$/.test(entry))
        .map((entry) => path.join(directory, entry)));
    const files = [...new Set([...modules, ...yamlBeside].map(relative).concat(ROOT_INPUTS))]
        .map((file) => file.split(path.sep).join("/"))
        .sort();
    const hash = createHash("sha256");
    for (const file of files) hash.update(`${file}\0${readFileSync(path.join(repoRoot, file), "utf8")}\0`);
    return `sha256:${hash.digest("hex").slice(0, 16)}`;
}
