import * as path from "path";

// Paths only, no other imports: the start-up benchmark child loads this and should pay for nothing else.

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The top-level Pulumi program. */
export const PROGRAM = path.join(REPO_ROOT, "index.ts");
