import { execFileSync } from "child_process";
import { REPO_ROOT } from "./repoPaths";

/**
 * Runs a command to completion and returns its stdout; a failure carries its stdout and stderr. `env` replaces the
 * environment (default: this process's).
 */
export function run(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
    try {
        return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    } catch (error: any) {
        throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${error.stdout}\n${error.stderr}`);
    }
}

let built = false;

/** `npm run build` (dist/ from components/), once per test run. */
export function buildPackage(): void {
    if (!built) run("npm", ["run", "build"], REPO_ROOT);
    built = true;
}
