import * as pulumi from "@pulumi/pulumi";
import { EgressTlsOriginationArgs } from "./args";
import { checkStackMode, ConfigError } from "./config";

/** Stack config keys that are the component's args, key for key. */
const COMPONENT_KEYS = ["destinations", "gateway", "routingNamespace", "istioApiVersion", "ca", "lockdown", "verify", "verifyNamespace", "trustDomain", "namePrefix"] as const;
/** Stack config keys the program itself reads. */
const PROGRAM_KEYS = ["renderYamlTo"] as const;

export interface StackSettings {
    args: EgressTlsOriginationArgs;
    /** Write manifests to this folder instead of applying them: set only in a render stack (`render`, `render-*`). */
    renderYamlTo?: string;
    /** The component keys the stack sets as secrets (`pulumi config set --secret`), as `project:key`. */
    secretKeys: string[];
}

/**
 * Whether the stack set a key as a secret. `allConfig()` hands values over as plain strings, the secret flag dropped;
 * @pulumi/pulumi 3.248 keeps that flag only behind `runtime/config`'s isConfigSecret (marked internal: the public
 * `Config.getSecret` wraps whatever it reads and cannot tell). test/configSecrecy.test.ts holds it to this behaviour.
 */
const isConfigSecret: (key: string) => boolean = require("@pulumi/pulumi/runtime/config").isConfigSecret;

/**
 * Reads the stack config; a key under the project's namespace that the program does not know is refused, not ignored.
 * The stack's name decides whether it renders (`checkStackMode`); `env` is what the Kubernetes provider also reads.
 */
export function readStackConfig(
    project: string,
    all: { [key: string]: string } = pulumi.runtime.allConfig(),
    isSecret: (key: string) => boolean = isConfigSecret,
    stack: string = pulumi.getStack(),
    env: { [key: string]: string | undefined } = process.env,
): StackSettings {
    const known: readonly string[] = [...COMPONENT_KEYS, ...PROGRAM_KEYS];
    for (const fullKey of Object.keys(all)) {
        const [namespace, key] = fullKey.split(":");
        if (namespace === project && !known.includes(key)) {
            throw new ConfigError(key, `unknown stack config key "${fullKey}"; expected one of ${known.join(", ")}`);
        }
    }
    const args: { [key: string]: unknown } = {};
    for (const key of COMPONENT_KEYS) {
        const raw = all[`${project}:${key}`];
        if (raw !== undefined) args[key] = parseValue(raw);
    }
    const { renderYamlTo } = checkStackMode(project, stack, all, args, env);
    const secretKeys = COMPONENT_KEYS.map((key) => `${project}:${key}`).filter((key) => all[key] !== undefined && isSecret(key));
    return { args: args as unknown as EgressTlsOriginationArgs, ...(renderYamlTo ? { renderYamlTo } : {}), secretKeys };
}

/**
 * Keeps secret what a secret key feeds. The component validates and renders plain values, so the secret flag cannot
 * travel with them; and almost every object derives from several keys at once (`destinations` names nearly all of
 * them). So when any component key is secret, every input of every resource the program registers after this call is
 * made secret, providers aside (their settings come from no component key), and `secretOutput` wraps each export.
 */
export function keepConfigSecrets(settings: StackSettings): <T>(output: T) => T | pulumi.Output<pulumi.Unwrap<T>> {
    if (settings.secretKeys.length === 0) return (output) => output;
    pulumi.runtime.registerStackTransformation((resource) => {
        if (resource.type.startsWith("pulumi:providers:")) return undefined;
        // An unset input stays unset: a secret around `undefined` would reach the provider as null.
        const props = Object.fromEntries(Object.entries(resource.props).map(([key, value]) => [key, value === undefined ? value : pulumi.secret(value)]));
        return { props, opts: resource.opts };
    });
    return (output) => pulumi.secret(output);
}

/** Structured values arrive as JSON; plain strings as themselves. */
function parseValue(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}
