/**
 * Files and directories nginx writes at start, given its nginx.conf, for the official nginx build that
 * `nginxinc/nginx-unprivileged` ships. A path the conf does not set falls back to the build's compiled-in default,
 * and nginx creates every http temp directory at start whether or not a request ever needs it.
 */
const COMPILED_IN = {
    pid: "/var/run/nginx.pid",
    client_body_temp_path: "/var/cache/nginx/client_temp",
    proxy_temp_path: "/var/cache/nginx/proxy_temp",
    fastcgi_temp_path: "/var/cache/nginx/fastcgi_temp",
    uwsgi_temp_path: "/var/cache/nginx/uwsgi_temp",
    scgi_temp_path: "/var/cache/nginx/scgi_temp",
};

/** Log targets that are not files on the container's filesystem (the image links its default log files to these). */
const NOT_FILES = ["/dev/stdout", "/dev/stderr", "off"];

function directiveValues(conf: string, directive: string): string[] {
    return [...conf.matchAll(new RegExp(`^\\s*${directive}\\s+([^;\\s]+)`, "gm"))].map((match) => match[1]);
}

export function nginxWritablePaths(conf: string): string[] {
    const paths = Object.entries(COMPILED_IN).flatMap(([directive, fallback]) => {
        const values = directiveValues(conf, directive);
        return values.length > 0 ? values : [fallback];
    });
    const logs = ["access_log", "error_log"].flatMap((directive) => directiveValues(conf, directive))
        .filter((target) => !NOT_FILES.includes(target) && !target.startsWith("syslog:"));
    return [...new Set([...paths, ...logs])];
}
