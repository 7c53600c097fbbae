import * as pulumi from "@pulumi/pulumi";
import { EgressTlsOriginationArgs } from "./args";
import { ConfigError, rejectRenderedGatewayDeploy } from "./config";

/** Stack config keys that are the component's args, key for key. */
const COMPONENT_KEYS = ["destinations", "gateway", "routingNamespace", "istioApiVersion", "ca", "lockdown", "verify", "verifyNamespace"] as const;
/** Stack config keys the program itself reads. */
const PROGRAM_KEYS = ["renderYamlTo"] as const;

export interface StackSettings {
    args: EgressTlsOriginationArgs;
    /** Write manifests to this folder instead of applying them. */
    renderYamlTo?: string;
}

/** Reads the stack config; a key under the project's namespace that the program does not know is refused, not ignored. */
export function readStackConfig(project: string, all: { [key: string]: string } = pulumi.runtime.allConfig()): StackSettings {
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
    const renderYamlTo = all[`${project}:renderYamlTo`] || undefined;
    rejectRenderedGatewayDeploy(renderYamlTo, args.gateway);
    return { args: args as unknown as EgressTlsOriginationArgs, renderYamlTo };
}

/** Structured values arrive as JSON; plain strings as themselves. */
function parseValue(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}
