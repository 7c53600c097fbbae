import { ChildProcess, spawn } from "child_process";
import { chmodSync, chownSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ProgramRun, Registration } from "./harness";

/**
 * What the server image brings itself, outside every volume: the config path nginx reads by default, and the html root
 * with the stock page. The registrations cannot say what is in an image, so these two facts are stated here.
 */
const IMAGE_CONTENT = {
    confPath: "/etc/nginx/nginx.conf",
    htmlRoot: "/usr/share/nginx/html",
    /** The image's USER (and its group), used when the pod does not say whom to run as. */
    user: 101,
};

/**
 * The stock `index.html` that nginx ships, and the server image has in its html root: the page the walkthrough's check
 * shows. No volume carries it (it is part of the image), so the layout writes it where the image has it.
 */
export const STOCK_INDEX_HTML = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** The modes Kubernetes gives when a volume names none: 0644 for ConfigMap and Secret files, 0777 for an emptyDir. */
const KUBERNETES_FILE_MODE = 0o644;
const EMPTY_DIR_MODE = 0o777;
const DIRECTORY_MODE = 0o755;
const ROOT = 0;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;
const POLL_INTERVAL_MS = 25;

/**
 * Who the container's processes are, from the Deployment's securityContexts (the container's overriding the pod's, the
 * image's user when neither says), and the pod's fsGroup, which the kubelet adds to their groups.
 */
export interface PodIdentity {
    uid: number;
    gid: number;
    fsGroup?: number;
}

/** A server container's filesystem, laid out under `rootfs`: each container path `p` is at `rootfs + p`. */
export interface ServerFiles {
    rootfs: string;
    identity: PodIdentity;
    /** Container paths the layout provides and the rewrite maps: every volume mount, then the image's html root. */
    containerPaths: string[];
    /** The Deployment's container ports. */
    containerPorts: number[];
    /** nginx.conf as the container reads it, untouched. */
    conf: string;
}

/** A Secret's keys as file contents: `stringData` wins over the base64 `data`, as the API server merges them. */
export function secretFiles(secret: Registration): { [key: string]: Buffer } {
    const { data = {}, stringData = {} } = secret.inputs;
    return { ...decode(data, "base64"), ...decode(stringData, "utf8") };
}

/** A ConfigMap's or Secret's keys as file contents. */
function volumeSourceFiles(run: ProgramRun, namespace: string, volume: any): { files: { [key: string]: Buffer }; source: any } {
    if (volume.configMap) {
        const { data = {}, binaryData = {} } = run.object("ConfigMap", namespace, volume.configMap.name).inputs;
        return { source: volume.configMap, files: { ...decode(binaryData, "base64"), ...decode(data, "utf8") } };
    }
    return { source: volume.secret, files: secretFiles(run.object("Secret", namespace, volume.secret.secretName)) };
}

function decode(entries: { [key: string]: string }, encoding: BufferEncoding): { [key: string]: Buffer } {
    return Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, Buffer.from(value, encoding)]));
}

/** Owner, group and mode of a path as the container would see it. */
interface Ownership {
    uid: number;
    gid: number;
    mode: number;
}

/**
 * Gives `file` its container ownership. As root this is the real thing (the container's processes then run under that
 * uid and groups, see startNginx). As anyone else, chown is not allowed: the file stays ours, and its owner bits become
 * exactly the access the container's user would have (owner, else group or fsGroup, else other bits), so the same
 * reads and writes succeed or fail.
 */
function applyOwnership(file: string, ownership: Ownership, identity: PodIdentity): void {
    if (runsAsRoot()) {
        chownSync(file, ownership.uid, ownership.gid);
        chmodSync(file, ownership.mode);
        return;
    }
    const inGroup = ownership.gid === identity.gid || ownership.gid === identity.fsGroup;
    const access = identity.uid === ownership.uid ? (ownership.mode >> 6) & 7 : inGroup ? (ownership.mode >> 3) & 7 : ownership.mode & 7;
    // A directory stays ours to fill and remove; the files in it carry the model.
    chmodSync(file, statSync(file).isDirectory() ? 0o700 : access << 6);
}

function runsAsRoot(): boolean {
    return process.getuid?.() === ROOT;
}

/**
 * What the kubelet makes of a volume's files and directories: owned by root; with an fsGroup, their group is the fsGroup
 * and a read-only volume's files gain group read (pkg/volume/volume_linux.go, SetVolumeOwnership: `roMask` 0440, setgid
 * on directories). Without fsGroup they stay root:root with the mode the volume names.
 */
function kubeletOwnership(mode: number, identity: PodIdentity, directory: boolean): Ownership {
    if (identity.fsGroup === undefined) return { uid: ROOT, gid: ROOT, mode };
    return { uid: ROOT, gid: identity.fsGroup, mode: mode | 0o440 | (directory ? 0o2110 : 0) };
}

/** Writes a ConfigMap or Secret volume as the kubelet projects it: every key, or only `items` at their paths, with their modes. */
function projectVolume(directory: string, files: { [key: string]: Buffer }, source: any, volumeName: string, identity: PodIdentity): void {
    const items: { key: string; path: string; mode?: number }[] = source.items ?? Object.keys(files).map((key) => ({ key, path: key }));
    for (const item of items) {
        const content = files[item.key];
        if (content === undefined) throw new Error(`volume ${volumeName}: key ${item.key} is not in its ${source.secretName ? "Secret" : "ConfigMap"}`);
        const file = path.join(directory, item.path);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, content);
        applyOwnership(file, kubeletOwnership(item.mode ?? source.defaultMode ?? KUBERNETES_FILE_MODE, identity, false), identity);
    }
}

/** The container's identity, as the kubelet and the runtime derive it from the Deployment's pod template. */
function podIdentity(pod: any, container: any): PodIdentity {
    const uid = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser ?? IMAGE_CONTENT.user;
    const gid = container.securityContext?.runAsGroup ?? pod.securityContext?.runAsGroup ?? IMAGE_CONTENT.user;
    return { uid, gid, fsGroup: pod.securityContext?.fsGroup };
}

/**
 * Lays out, under a fresh temp dir, what the server Deployment's container sees: each mounted volume from the
 * ConfigMap or Secret it names (or empty, for an emptyDir), and the image's html root with the stock page.
 */
export function layOutServerFiles(run: ProgramRun, deployment: Registration): ServerFiles {
    const namespace: string = deployment.inputs.metadata.namespace;
    const pod = deployment.inputs.spec.template.spec;
    if (pod.containers.length !== 1) throw new Error(`Deployment ${namespace}/${deployment.inputs.metadata.name}: expected one container, found ${pod.containers.length}`);
    const [container] = pod.containers;
    const identity = podIdentity(pod, container);
    const workDir = mkdtempSync(path.join(os.tmpdir(), "egress-tls-nginx-"));
    const rootfs = path.join(workDir, "rootfs");
    const containerPaths: string[] = [];
    const emptyDirs: string[] = [];
    for (const mount of container.volumeMounts ?? []) {
        const volume = (pod.volumes ?? []).find((v: any) => v.name === mount.name);
        if (!volume) throw new Error(`volumeMount ${mount.name} names no volume`);
        if (mount.subPath) throw new Error(`volumeMount ${mount.name}: subPath is not laid out`);
        const directory = path.join(rootfs, mount.mountPath);
        mkdirSync(directory, { recursive: true });
        if (volume.emptyDir) {
            emptyDirs.push(directory);
        } else if (volume.configMap || volume.secret) {
            const { files, source } = volumeSourceFiles(run, namespace, volume);
            projectVolume(directory, files, source, volume.name, identity);
        } else {
            throw new Error(`volume ${volume.name}: only configMap, secret and emptyDir volumes are laid out`);
        }
        containerPaths.push(mount.mountPath);
    }
    const htmlRoot = path.join(rootfs, IMAGE_CONTENT.htmlRoot);
    mkdirSync(htmlRoot, { recursive: true });
    const page = path.join(htmlRoot, "index.html");
    writeFileSync(page, STOCK_INDEX_HTML);
    applyOwnership(page, { uid: ROOT, gid: ROOT, mode: 0o644 }, identity);
    containerPaths.push(IMAGE_CONTENT.htmlRoot);
    // Directories: the image's and the mount points are root's 0755 (mkdtemp's 0700 included, as the path to them);
    // an emptyDir is 0777, and with an fsGroup it is that group's, setgid.
    const mountDirectories = new Set(container.volumeMounts.map((mount: any) => path.join(rootfs, mount.mountPath)));
    for (const directory of [workDir, ...readdirSync(workDir, { recursive: true, encoding: "utf8" }).map((entry) => path.join(workDir, entry))]) {
        if (!statSync(directory).isDirectory()) continue;
        const ownership = emptyDirs.includes(directory) ? kubeletOwnership(EMPTY_DIR_MODE, identity, true)
            : mountDirectories.has(directory) ? kubeletOwnership(DIRECTORY_MODE, identity, true)
            : { uid: ROOT, gid: ROOT, mode: DIRECTORY_MODE };
        applyOwnership(directory, ownership, identity);
    }
    return {
        rootfs,
        identity,
        containerPaths,
        containerPorts: (container.ports ?? []).map((p: any) => p.containerPort),
        conf: readFileSync(path.join(rootfs, IMAGE_CONTENT.confPath), "utf8"),
    };
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * nginx.conf with every container path moved under `rootfs` and the one `listen` port (which must be a container
 * port) replaced by `127.0.0.1:<listenPort>`; nothing else changes. Paths are matched as whole path prefixes in one pass,
 * so `/etc/nginx` leaves `/etc/nginx-server-certs` alone and no rewritten path is rewritten again.
 */
function rewriteNginxConf(files: ServerFiles, listenPort: number): string {
    const listens = [...files.conf.matchAll(/^(\s*listen\s+)(\d+)\b/gm)];
    if (listens.length !== 1) throw new Error(`expected one listen directive in nginx.conf, found ${listens.length}`);
    const confPort = Number(listens[0][2]);
    if (!files.containerPorts.includes(confPort)) {
        throw new Error(`nginx.conf listens on ${confPort}, which is not a container port of the Deployment (${files.containerPorts.join(", ")})`);
    }
    const containerPath = new RegExp(`(?<=\\s)(${files.containerPaths.map(escapeRegExp).join("|")})(?=[/;\\s]|$)`, "g");
    return files.conf
        .replace(/^(\s*listen\s+)(\d+)\b/m, `$1127.0.0.1:${listenPort}`)
        .replace(containerPath, (match) => files.rootfs + match);
}

/** A port the OS says is free now; nginx binds it a moment later, so a start retries if another process took it. */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/**
 * Tries `attempt` every POLL_INTERVAL_MS until it returns a value, `stopped()` holds (checked before each try) or a try
 * ends after `timeoutMs`; undefined when it never returned one.
 */
async function poll<T>(timeoutMs: number, attempt: () => T | undefined | Promise<T | undefined>, stopped = () => false): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (!stopped()) {
        const value = await attempt();
        if (value !== undefined) return value;
        if (Date.now() > deadline) return undefined;
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    return undefined;
}

function accepts(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => { socket.destroy(); resolve(true); });
        socket.once("error", () => resolve(false));
    });
}

export interface RunningNginx {
    port: number;
    files: ServerFiles;
    /** The conf nginx runs: `files.conf` rewritten. */
    conf: string;
    /** What nginx wrote so far: the access log goes to stdout, errors to stderr, as the conf says. */
    stdout(): string;
    stderr(): string;
    /** The first stdout line matching `pattern`, waiting a bounded time for nginx to write it. */
    waitForAccessLog(pattern: RegExp): Promise<string>;
    stop(): Promise<void>;
}

class NginxProcess implements RunningNginx {
    private readonly exited: Promise<void>;
    private hasExited = false;
    private spawnError?: Error;

    constructor(
        readonly port: number,
        readonly files: ServerFiles,
        readonly conf: string,
        private readonly child: ChildProcess,
        private readonly logs: { stdout: string; stderr: string },
    ) {
        this.exited = new Promise((resolve) => {
            child.once("exit", () => { this.hasExited = true; resolve(); });
            child.once("error", (error) => { this.spawnError = error; this.hasExited = true; resolve(); });
        });
    }

    stdout(): string { return readFileSync(this.logs.stdout, "utf8"); }
    stderr(): string { return readFileSync(this.logs.stderr, "utf8"); }

    /** Resolves once nginx accepts connections; rejects with its stderr if it exits or does not listen in time. */
    async ready(): Promise<void> {
        if (await poll(START_TIMEOUT_MS, async () => (await accepts(this.port)) || undefined, () => this.hasExited)) return;
        const why = this.spawnError ? `did not start (${this.spawnError.message})`
            : this.hasExited ? `exited with ${this.child.exitCode ?? this.child.signalCode}`
            : `did not accept connections within ${START_TIMEOUT_MS} ms`;
        throw new Error(`nginx on 127.0.0.1:${this.port} ${why}; stderr:\n${this.stderr()}`);
    }

    async waitForAccessLog(pattern: RegExp): Promise<string> {
        const line = await poll(LOG_TIMEOUT_MS, () => this.stdout().split("\n").find((l) => pattern.test(l)));
        if (line === undefined) throw new Error(`no access log line matches ${pattern}; stdout:\n${this.stdout()}\nstderr:\n${this.stderr()}`);
        return line;
    }

    /** SIGTERM is nginx's fast shutdown: the master stops its workers, then exits. SIGKILL only if it hangs. */
    async terminate(): Promise<void> {
        if (this.hasExited) return;
        this.child.kill("SIGTERM");
        const timer = setTimeout(() => this.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await this.exited;
        clearTimeout(timer);
    }

    async stop(): Promise<void> {
        await this.terminate();
        rmSync(path.dirname(this.files.rootfs), { recursive: true, force: true });
    }
}

/**
 * The conf logs to `/dev/stdout` and `/dev/stderr`, which nginx opens by name. Node's stdio pipes are Unix sockets, and
 * Linux refuses to open a socket through /dev/std* (ENXIO), so the child writes to plain files instead.
 */
function spawnWithOutputFiles(command: string, args: string[], logs: { stdout: string; stderr: string }, identity: PodIdentity): ChildProcess {
    const stdout = openSync(logs.stdout, "a");
    const stderr = openSync(logs.stderr, "a");
    // nginx reopens /dev/stdout by name, which checks the file's permissions against the container's user.
    if (runsAsRoot()) for (const file of [logs.stdout, logs.stderr]) chownSync(file, identity.uid, identity.gid);
    try {
        return spawn(command, args, { stdio: ["ignore", stdout, stderr] });
    } finally {
        closeSync(stdout);
        closeSync(stderr);
    }
}

/**
 * `nginx …` as the container's user: as root, setpriv switches to the pod's uid and gid with the fsGroup as its one
 * supplementary group (as the runtime starts the container), and the files carry the kubelet's owners. As anyone else
 * nginx runs as us, on files whose owner bits are that user's access (see applyOwnership).
 */
function asContainerUser(identity: PodIdentity, nginxArgs: string[]): [string, string[]] {
    if (!runsAsRoot()) return ["nginx", nginxArgs];
    const groups = identity.fsGroup === undefined ? ["--clear-groups"] : ["--groups", String(identity.fsGroup)];
    return ["setpriv", ["--reuid", String(identity.uid), "--regid", String(identity.gid), ...groups, "--", "nginx", ...nginxArgs]];
}

/**
 * Runs Debian's nginx on what the Deployment mounts, as the pod's user, listening on 127.0.0.1 at a port the OS picks.
 * `-g` adds only `daemon off;` (a command-line global directive, so the conf stays as rendered) to keep nginx a child we
 * can stop. The conf sets every path nginx writes, so no compiled-in default is used.
 */
export async function startNginx(run: ProgramRun, deployment: Registration): Promise<RunningNginx> {
    const files = layOutServerFiles(run, deployment);
    const workDir = path.dirname(files.rootfs);
    for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        const conf = rewriteNginxConf(files, port);
        const confPath = path.join(workDir, "nginx.conf");
        writeFileSync(confPath, conf);
        const logs = { stdout: path.join(workDir, `stdout-${attempt}.log`), stderr: path.join(workDir, `stderr-${attempt}.log`) };
        const [command, args] = asContainerUser(files.identity, ["-e", "stderr", "-p", workDir, "-c", confPath, "-g", "daemon off;"]);
        const child = spawnWithOutputFiles(command, args, logs, files.identity);
        const nginx = new NginxProcess(port, files, conf, child, logs);
        try {
            await nginx.ready();
            return nginx;
        } catch (error) {
            await nginx.terminate();
            if (attempt < PORT_ATTEMPTS && nginx.stderr().includes("Address already in use")) continue;
            rmSync(workDir, { recursive: true, force: true });
            throw error;
        }
    }
}

/** For a describe block: a `startNginx` whose servers are all stopped after each test, whether it passed or failed. */
export function nginxPerTest(): typeof startNginx {
    const running: RunningNginx[] = [];
    afterEach(async () => {
        await Promise.all(running.splice(0).map((nginx) => nginx.stop()));
    });
    return async (run, deployment) => {
        const nginx = await startNginx(run, deployment);
        running.push(nginx);
        return nginx;
    };
}

/** The Deployment of a destination's in-cluster server. */
export function serverDeployment(run: ProgramRun, server: { namespace: string; name: string }): Registration {
    return run.object("Deployment", server.namespace, server.name);
}
