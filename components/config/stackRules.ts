import { ConfigError, isObject } from "./fieldCheckers";
import { missingMutability, mutabilityAdvice } from "./providerSettings";

// Rules that judge a stack as a whole (its name, the program's own keys, the kubernetes provider's keys), before the
// component's args are resolved.

/** The folder a render stack writes to unless `renderYamlTo` names another. */
export const DEFAULT_RENDER_FOLDER = "rendered";

/**
 * A stack named `render` or `render-<anything>` renders manifests; every other stack applies them. The stack's name,
 * not its config, decides: moving a deployed stack's objects to a rendering provider replaces them, and the replacement
 * deletes the live objects (pulumi-kubernetes `DiffConfig` replaces on a new `renderYamlToDirectory`), so no config value
 * may turn a deployed stack into a rendering one.
 */
export function isRenderStack(stack: string): boolean {
    return stack === "render" || stack.startsWith("render-");
}

export interface StackMode {
    /** Set in a render stack: the folder manifests are written to. */
    renderYamlTo?: string;
}

/**
 * Checks the stack's mode against its config. `all` is the stack config as the CLI hands it over (`namespace:key`),
 * `args` the component's unchecked args, `env` the environment the provider also sees.
 */
export function checkStackMode(
    project: string,
    stack: string,
    all: { [key: string]: string },
    args: { [key: string]: unknown },
    env: { [key: string]: string | undefined },
): StackMode {
    const renderYamlTo = all[`${project}:renderYamlTo`] || undefined;
    if (!isRenderStack(stack)) {
        const elsewhere = `would move this stack's objects to a rendering provider, which deletes them from the cluster; render in a stack of its own named render or render-* (npm run render, docs/rendering.md)`;
        if (renderYamlTo !== undefined) throw new ConfigError("renderYamlTo", `is only honoured in a render stack: in stack "${stack}" it ${elsewhere}`);
        if (all["kubernetes:renderYamlToDirectory"]) throw new ConfigError("kubernetes:renderYamlToDirectory", `is refused in stack "${stack}": it ${elsewhere}`);
        const missing = missingMutability(all, env);
        if (missing.length > 0) throw new ConfigError(missing[0], mutabilityAdvice(missing));
        return {};
    }
    if (isObject(args.gateway) && args.gateway.deploy === true) {
        throw new ConfigError("gateway.deploy", "cannot be rendered: a Helm release is not a manifest; install the gateway with istioctl or Helm, or render in an apply stack");
    }
    if (args.verify === true) {
        throw new ConfigError("verify", "cannot be rendered: the verify Job runs once and its pod template is immutable, so a re-applied folder would fail; run the check commands (stack output checkCommands) after applying");
    }
    return { renderYamlTo: renderYamlTo ?? DEFAULT_RENDER_FOLDER };
}
