import { ConfigError, nonEmptyString, shown } from "./fieldCheckers";

// What was deployed must be what was reviewed: an image and a chart named so that they cannot change under the stack.

const IMAGE_DIGEST = /@sha256:[0-9a-f]{64}$/;
/** A tag, as the OCI distribution spec allows it. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** A Helm chart version that names one release: exact semver, no range, no `v` prefix. */
const EXACT_SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** A container image with a digest, or an explicit tag that is not `latest` (which moves by design). */
export function pinnedImage(value: unknown, field: string, fallback: string): string {
    const image = nonEmptyString(value, field, fallback);
    if (IMAGE_DIGEST.test(image)) return image;
    // The tag follows the last ':' of the last path segment: a registry's `host:port/` carries a ':' of its own.
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const colon = lastSegment.lastIndexOf(":");
    const tag = colon < 0 ? undefined : lastSegment.slice(colon + 1);
    if (tag === undefined || !IMAGE_TAG.test(tag)) {
        throw new ConfigError(field, `${shown(image)} has no tag or digest; pin it as <image>:<version> or <image>@sha256:<digest>`);
    }
    if (tag === "latest") throw new ConfigError(field, `${shown(image)} is tagged latest, which moves; pin a version or a digest`);
    return image;
}

/** A chart version naming exactly one release of the chart. */
export function exactChartVersion(value: unknown, field: string, fallback: string): string {
    const version = nonEmptyString(value, field, fallback);
    if (!EXACT_SEMVER.test(version)) throw new ConfigError(field, `${shown(version)} is not an exact chart version (such as 1.28.0); ranges and wildcards are refused`);
    return version;
}
