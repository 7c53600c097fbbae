import type { BenchDestination } from "../scenarios";

/** A copy of `template` with `${name}` and `${host}` replaced by the destination's, in every string. */
export function fillIn(template: any, destination: BenchDestination): any {
    if (typeof template === "string") {
        return template.replace(/\$\{(\w+)\}/g, (placeholder, key: string) => {
            if (key !== "name" && key !== "host") throw new Error(`unknown placeholder ${placeholder}`);
            return destination[key];
        });
    }
    if (Array.isArray(template)) return template.map((item) => fillIn(item, destination));
    if (typeof template === "object" && template !== null) {
        return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, fillIn(value, destination)]));
    }
    return template;
}
