import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { REPO_ROOT } from "./repoPaths";

/** How `pulumi up` starts the program: Pulumi.yaml's `main` and its nodejs runtime options. */
export interface StackStartup {
    main: string;
    /** `typescript: true` (Pulumi's default) makes the language host register ts-node with type-checking. */
    typescript: boolean;
    /** The arguments the language host puts before its run script on the node command line. */
    nodeargs: string[];
}

export function stackStartup(): StackStartup {
    const project = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
    const options = project.runtime?.options ?? {};
    return {
        main: project.main,
        typescript: options.typescript ?? true,
        nodeargs: String(options.nodeargs ?? "").split(/\s+/).filter(Boolean),
    };
}
