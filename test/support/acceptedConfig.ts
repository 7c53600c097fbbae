import { EgressTlsOriginationArgs } from "../../components";
import { ConfigError, resolveConfig } from "../../components/config";
import { readStackConfig } from "../../components/stackConfig";
import { Path, Schema } from "./configPaths";
import { COMPONENT, everythingArgs } from "./scenarios";

// Which config keys the program accepts, learnt from the program itself: the validation is probed with an unknown key
// and its refusal ("unknown field; expected one of …") lists the keys allowed there. No hand list to fall behind.

const PROBE_KEY = "zzprobe";
/** An object with one unknown key, then a list of one: what a fixed-key object or a list of them refuses by name. */
const PROBE_SHAPES: { value: unknown; element: boolean }[] = [
    { value: { [PROBE_KEY]: "x" }, element: false },
    { value: [{ [PROBE_KEY]: "x" }], element: true },
];

/** `destinations[0].server` for ConfigError fields; `destinations[].server` for docs, indices left out. */
const fieldOf = (path: Path) => path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
const docPathOf = (path: Path) => fieldOf(path).replace(/\[\d+\]/g, "[]");

/** The keys a refusal of PROBE_KEY lists, or undefined when the refusal is about something else. */
function keysListedBy(error: ConfigError | undefined, field: string): string[] | undefined {
    if (!error || error.field !== field) return undefined;
    const listed = /unknown (?:field|stack config key).*; expected one of (.+)$/.exec(error.message);
    if (!listed) return undefined;
    return listed[1].split(", ").map((key) => key.replace(/^egress-tls:/, ""));
}

function withValueAt(base: unknown, path: Path, value: unknown): unknown {
    const copy = structuredClone(base);
    if (path.length === 0) return value;
    let parent: any = copy;
    path.slice(0, -1).forEach((part, i) => {
        parent[part] ??= typeof path[i + 1] === "number" ? [] : {};
        parent = parent[part];
    });
    parent[path[path.length - 1]] = value;
    return copy;
}

function refusalOf(args: unknown): ConfigError | undefined {
    try {
        resolveConfig(args as EgressTlsOriginationArgs);
        return undefined;
    } catch (error) {
        if (error instanceof ConfigError) return error;
        throw error;
    }
}

/**
 * Every path the component's validation accepts below `at` in `base`, containers and leaves, as docs write them
 * (`destinations[].server.name`). A value that refuses a probe below itself in any other way (it could be an object whose
 * keys the probe did not reach) stops the walk: `base` then needs a valid value there.
 */
function acceptedBelow(base: unknown, at: Path): string[] {
    const refusals: ConfigError[] = [];
    for (const shape of PROBE_SHAPES) {
        const objectAt = shape.element ? [...at, 0] : at;
        const refusal = refusalOf(withValueAt(base, at, shape.value));
        const keys = keysListedBy(refusal, fieldOf([...objectAt, PROBE_KEY]));
        if (keys) return keys.flatMap((key) => [docPathOf([...objectAt, key]), ...acceptedBelow(base, [...objectAt, key])]);
        if (refusal) refusals.push(refusal);
    }
    const field = fieldOf(at);
    const unreached = refusals.find((refusal) => refusal.field !== field && refusal.field !== `${field}[0]`);
    if (unreached) {
        throw new Error(`cannot tell what ${field} holds: probing it was refused at ${unreached.field} (${unreached.message}); `
            + "give everythingArgs() (test/support/scenarios.ts) a valid value there");
    }
    return [];
}

/** Every config path the component accepts, containers (`gateway`, `destinations[].server`) and leaves alike. */
export function acceptedComponentPaths(): string[] {
    return acceptedBelow(everythingArgs(), []);
}

/** The accepted paths as a Schema (test/support/configPaths.ts): each key under its parent's path, `destinations[].server` → `name`, …. */
export function acceptedComponentSchema(): Schema {
    const schema: { [parent: string]: string[] } = {};
    for (const path of acceptedComponentPaths()) {
        const split = path.lastIndexOf(".");
        const [parent, key] = split < 0 ? ["", path] : [path.slice(0, split), path.slice(split + 1)];
        (schema[parent] ??= []).push(key);
    }
    return schema;
}

/** The stack config keys the program reads (without the `egress-tls:` namespace). */
export function acceptedStackKeys(): string[] {
    try {
        readStackConfig(COMPONENT, { [`${COMPONENT}:${PROBE_KEY}`]: "x" });
    } catch (error) {
        const keys = keysListedBy(error as ConfigError, PROBE_KEY);
        if (keys) return keys;
        throw error;
    }
    throw new Error(`readStackConfig accepted the unknown key ${COMPONENT}:${PROBE_KEY}`);
}
