import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { REPO_ROOT } from "./repoPaths";

/** A config value as the Pulumi CLI hands it to the program: a string as it is, a structured value as JSON. */
export function cliConfig(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** A stack file's config as the Pulumi CLI hands it to the program: structured values as JSON strings. */
export function stackConfig(stackFile = path.join(REPO_ROOT, "Pulumi.dev.yaml")): { [key: string]: string } {
    const file = parse(readFileSync(stackFile, "utf8"));
    return Object.fromEntries(
        Object.entries(file.config as { [key: string]: unknown }).map(([key, value]) => [key, cliConfig(value)]),
    );
}
