import { isIP } from "net";

/** A refused input. `field` is the path of the offending value, e.g. `destinations[1].host`. */
export class ConfigError extends Error {
    constructor(readonly field: string, problem: string) {
        super(`egress-tls: ${field}: ${problem}`);
        this.name = "ConfigError";
    }
}

// Checks of single values, shared by every rule: each returns the value or throws a ConfigError naming the field.
//
// THE RULE FOR EVERY MESSAGE: a refused value is written only through `shown`, never interpolated raw. A key or token
// pasted into the wrong field must not reach a log or a CI transcript, so a value longer than a name (a DNS label),
// spread over lines or shaped like PEM is described by its length, not printed.

/** The longest value a message repeats: a DNS label. */
const MAX_SHOWN_LENGTH = 63;

/** A value as a message may print it: quoted when short, single-line printable text; otherwise only described. */
export function shown(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (text === undefined) return String(value);
    const printable = /^[\x20-\x7e]*$/.test(text) && !text.includes("-----");
    if (text.length <= MAX_SHOWN_LENGTH && printable) return typeof value === "string" ? `"${value}"` : text;
    return `(a ${typeof value === "string" ? "text" : typeof value} of ${text.length} characters, not shown)`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export type Fields = { [key: string]: unknown };

/** A plain object: not null, not a list. */
export function isObject(value: unknown): value is Fields {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, field: string, allowedKeys: readonly string[]): Fields {
    if (!isObject(value)) throw new ConfigError(field, "must be an object");
    for (const key of Object.keys(value)) {
        if (allowedKeys.includes(key)) continue;
        // The key becomes part of the field path, so a key that `shown` would not print is described in the problem instead.
        const expected = `expected one of ${allowedKeys.join(", ")}`;
        if (shown(key) !== `"${key}"`) throw new ConfigError(field, `has an unknown field ${shown(key)}; ${expected}`);
        throw new ConfigError(`${field}.${key}`.replace(/^\./, ""), `unknown field; ${expected}`);
    }
    return value;
}

export function optionalString(value: unknown, field: string, fallback: string): string {
    if (value === undefined) return fallback;
    if (typeof value !== "string") throw new ConfigError(field, "must be a string");
    return value;
}

export function nonEmptyString(value: unknown, field: string, fallback: string): string {
    const text = optionalString(value, field, fallback);
    if (text.length === 0) throw new ConfigError(field, "must not be empty");
    return text;
}

export function dnsLabel(value: unknown, field: string, fallback?: string): string {
    if (value === undefined && fallback === undefined) throw new ConfigError(field, "is required");
    const text = optionalString(value, field, fallback ?? "");
    if (text.length > 63 || !DNS_LABEL.test(text)) {
        throw new ConfigError(field, `${shown(text)} is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)`);
    }
    return text;
}

/** Service names are stricter than other object names (RFC 1035): they must start with a letter. */
export function serviceName(value: unknown, field: string): string {
    const name = dnsLabel(value, field);
    if (!/^[a-z]/.test(name)) throw new ConfigError(field, `${shown(name)} names a Service, which must start with a letter (DNS-1035 label)`);
    return name;
}

export function dnsName(value: unknown, field: string, allowWildcard = false): string {
    if (typeof value !== "string") throw new ConfigError(field, "must be a string");
    rejectIpAddress(value, field);
    const name = allowWildcard && value.startsWith("*.") ? value.slice(2) : value;
    if (value.length > 253 || !DNS_SUBDOMAIN.test(name) || name.split(".").some((label) => label.length > 63)) {
        throw new ConfigError(field, `${shown(value)} is not a DNS name (lowercase labels of letters, digits and '-', separated by dots)`);
    }
    return value;
}

/**
 * TLS origination names the server by SNI, and SNI carries DNS names only (RFC 6066 section 3: "Literal IPv4 and IPv6
 * addresses are not permitted"), so neither the request nor the certificate check could use an address.
 */
function rejectIpAddress(value: string, field: string): void {
    if (isIP(value.replace(/^\[(.*)\]$/, "$1")) !== 0) {
        throw new ConfigError(field, `${shown(value)} is an IP address; TLS names the server by SNI, which carries only DNS names (RFC 6066), so use the DNS name its certificate carries`);
    }
}

export function oneOf<T extends string | number>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) throw new ConfigError(field, `${shown(value)} is not one of ${allowed.join(", ")}`);
    return value as T;
}

export function integer(value: unknown, field: string, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw new ConfigError(field, `${shown(value)} is not a whole number from ${min} to ${max}`);
    }
    return value;
}

export function optionalBoolean(value: unknown, field: string): boolean {
    if (value === undefined) return false;
    if (typeof value !== "boolean") throw new ConfigError(field, "must be true or false");
    return value;
}

export function list(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) throw new ConfigError(field, "must be a list");
    return value;
}

/** `undefined` stands for an entry that has no such value, so the others keep their index in the field names. */
export function rejectDuplicates(values: (string | undefined)[], field: (index: number) => string, what: string): void {
    const seen = new Map<string, number>();
    values.forEach((value, index) => {
        if (value === undefined) return;
        const first = seen.get(value);
        if (first !== undefined) throw new ConfigError(field(index), `${what} ${shown(value)} is already used by ${field(first)}`);
        seen.set(value, index);
    });
}

/** A non-empty map of Kubernetes labels, as a pod selector. */
export function labelMap(value: unknown, field: string): { [label: string]: string } {
    if (!isObject(value) || Object.keys(value).length === 0) throw new ConfigError(field, "must be a non-empty map of pod labels");
    for (const [key, labelValue] of Object.entries(value)) {
        if (!LABEL_KEY.test(key)) throw new ConfigError(field, `${shown(key)} is not a label key`);
        if (typeof labelValue !== "string" || labelValue.length > 63 || !LABEL_VALUE.test(labelValue)) {
            throw new ConfigError(`${field}.${key}`, `${shown(labelValue)} is not a label value`);
        }
    }
    return value as { [label: string]: string };
}
