/** Paths into a config value, as `ConfigError.field` writes them: `destinations[1].server.namespace`. */
export type Path = (string | number)[];

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is { [key: string]: unknown } {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every path below `value`, containers and leaves alike, parents before children. */
export function allPaths(value: unknown, prefix: Path = []): Path[] {
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((item, index) => [index, item])
        : isObject(value) ? Object.entries(value) : [];
    return entries.flatMap(([key, item]) => [[...prefix, key], ...allPaths(item, [...prefix, key])]);
}

/**
 * Splits a field into segments: `a[1].b` → `a`, `[1]`, `b`. A map key may itself hold dots (a label key such as
 * `app.kubernetes.io/name`), so names stay as text and are matched against the value's keys while walking.
 */
function segments(field: string): string[] {
    return field.match(/\[\d+\]|[^.[\]]+|\./g)?.filter((part) => part !== ".") ?? [];
}

/** The fields a schema defines, by the path of their parent with indices left out: `destinations[].server`. */
export type Schema = { [parent: string]: readonly string[] };

/**
 * Whether `field` names a value present in `input`, or one `input` leaves out (required, or taken by default) where
 * `schema` defines it. `""` is the input itself.
 */
export function fieldBelongsTo(input: unknown, field: string, schema: Schema): boolean {
    const walk = (value: unknown, rest: string[], parent: string): boolean => {
        if (rest.length === 0) return true;
        const [head, ...tail] = rest;
        const index = /^\[(\d+)\]$/.exec(head);
        if (index) {
            if (!Array.isArray(value)) return false;
            const position = Number(index[1]);
            return position < value.length && walk(value[position], tail, `${parent}[]`);
        }
        if (!isObject(value)) return false;
        for (let taken = 1; taken <= rest.length; taken++) {
            const key = rest.slice(0, taken).join(".");
            if (key in value) return walk(value[key], rest.slice(taken), parent === "" ? key : `${parent}.${key}`);
        }
        return tail.length === 0 && (schema[parent] ?? []).includes(head);
    };
    return walk(input, segments(field), "");
}
