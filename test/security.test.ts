import * as assert from "assert";
import { childName } from "../components/naming";
import { cheapProviders } from "./support/cheapProviders";
import { TYPES } from "./support/fixtures";
import { ProgramRun, Registration } from "./support/harness";
import { nginxWritablePaths } from "./support/nginxWritablePaths";
import { Container, PodTemplate, restrictedViolations } from "./support/podSecurity";
import { COMPONENT, everyKindOfDestinationArgs, everythingArgs, runComponent } from "./support/scenarios";
import { anyPrivateKeys, privateKeyLeaks } from "./support/secretScan";
import { runStackProgram, stackConfigOf, stackUrn } from "./support/stackProgram";
import { SimulatedProviders } from "./support/tlsProvider";
import { knownAs } from "./support/urns";

const { deployment: DEPLOYMENT, service: SERVICE, configMap: CONFIG_MAP, secret: SECRET } = TYPES;

/** The in-cluster servers of `everyKindOfDestinationArgs`: destination name, namespace, destination port. */
const SERVERS = [
    { destination: "nginx", namespace: "mesh-external", port: 443 },
    { destination: "billing", namespace: "payments", port: 8443 },
];
const CONTAINER_PORT = 8443;
const NGINX_USER = 101;

/** A tag that is not `latest`, or a digest: never a bare name that follows whatever is pushed next. */
function isPinned(image: string): boolean {
    if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
    const lastPart = image.split("/").pop() ?? "";
    const tag = lastPart.includes(":") ? lastPart.split(":")[1] : undefined;
    return tag !== undefined && tag !== "" && tag !== "latest";
}

function isUnder(path: string, directory: string): boolean {
    return path === directory || path.startsWith(directory.endsWith("/") ? directory : `${directory}/`);
}

/** One run of every kind of destination, made on first use and shared by the suites below, which only read it. */
let everyKindOfDestinationRun: Promise<ProgramRun> | undefined;
function everyKindOfDestination(): Promise<ProgramRun> {
    everyKindOfDestinationRun ??= runComponent(everyKindOfDestinationArgs(), cheapProviders);
    return everyKindOfDestinationRun;
}

describe("hardened TLS server", () => {
    let run: ProgramRun;
    before(async () => {
        run = await everyKindOfDestination();
    });

    for (const server of SERVERS) {
        describe(`${server.destination} (port ${server.port})`, () => {
            const deployment = () => knownAs(run, DEPLOYMENT, childName(COMPONENT, server.destination, "deployment"));
            const template = (): PodTemplate & { spec: any } => deployment().inputs.spec.template;
            const container = (): Container & { [field: string]: any } => {
                const containers = template().spec.containers;
                assert.strictEqual(containers.length, 1);
                return containers[0];
            };
            /** A container setting, or the pod's when the container leaves it unset. */
            const effective = (field: string) => container().securityContext?.[field as never] ?? template().spec.securityContext?.[field];

            it("runs a pinned image", () => {
                assert.ok(isPinned(container().image), `image "${container().image}" is not pinned`);
            });

            it("runs as nginx's non-root user 101", () => {
                assert.strictEqual(effective("runAsNonRoot"), true);
                assert.strictEqual(effective("runAsUser"), NGINX_USER);
            });

            it("listens on unprivileged 8443 while the Service keeps the destination port", () => {
                const ports = container().ports as { containerPort: number; name?: string }[];
                assert.deepStrictEqual(ports.map((p) => p.containerPort), [CONTAINER_PORT]);
                const service = knownAs(run, SERVICE, childName(COMPONENT, server.destination, "service")).inputs.spec;
                assert.strictEqual(service.ports.length, 1);
                assert.strictEqual(service.ports[0].port, server.port);
                const target = service.ports[0].targetPort;
                const targetNumber = typeof target === "string" ? ports.find((p) => p.name === target)?.containerPort : target;
                assert.strictEqual(targetNumber, CONTAINER_PORT);
                assert.deepStrictEqual(service.selector, template().metadata?.["labels" as never]);
            });

            it("has a read-only root filesystem, with an emptyDir under every path nginx writes", () => {
                assert.strictEqual(container().securityContext?.["readOnlyRootFilesystem" as never], true);
                const volumes = new Map<string, any>(template().spec.volumes.map((v: any) => [v.name, v]));
                const writableMounts = (container().volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[])
                    .filter((mount) => volumes.get(mount.name)?.emptyDir !== undefined && mount.readOnly !== true)
                    .map((mount) => mount.mountPath);
                const conf: string = run.get(CONFIG_MAP, childName(COMPONENT, server.destination, "configmap")).inputs.data["nginx.conf"];
                const writes = nginxWritablePaths(conf);
                assert.ok(writes.some((path) => path.endsWith(".pid")), "the pid file is among the written paths");
                for (const path of writes) {
                    assert.ok(writableMounts.some((mount) => isUnder(path, mount)), `nginx writes ${path}, which no writable emptyDir (${writableMounts.join(", ")}) holds`);
                }
            });

            it("cannot gain privileges: no escalation, every capability dropped, RuntimeDefault seccomp", () => {
                const context = container().securityContext!;
                assert.strictEqual(context.allowPrivilegeEscalation, false);
                assert.deepStrictEqual(context.capabilities?.drop, ["ALL"]);
                assert.deepStrictEqual(context.capabilities?.add ?? [], []);
                assert.strictEqual(effective("seccompProfile")?.type, "RuntimeDefault");
            });

            it("requests and limits CPU and memory", () => {
                const { requests, limits } = container().resources ?? {};
                for (const resource of ["cpu", "memory"]) {
                    assert.ok(requests?.[resource], `no ${resource} request`);
                    assert.ok(limits?.[resource], `no ${resource} limit`);
                }
            });

            it("has readiness and liveness probes on the TLS port", () => {
                for (const probe of ["readinessProbe", "livenessProbe"]) {
                    const handler = container()[probe];
                    assert.ok(handler, `no ${probe}`);
                    const port = handler.tcpSocket?.port ?? handler.httpGet?.port;
                    assert.ok(port === CONTAINER_PORT || port === "https", `${probe} checks port ${port}`);
                }
            });

            it("lives in a namespace outside the mesh that enforces the restricted Pod Security Standard", () => {
                const namespace = run.object("Namespace", undefined, server.namespace);
                assert.strictEqual(deployment().inputs.metadata.namespace, server.namespace);
                assert.strictEqual(namespace.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
                assert.strictEqual(namespace.inputs.metadata.labels["istio-injection"], "disabled");
            });

            it("passes the restricted profile, field by field", () => {
                assert.deepStrictEqual(restrictedViolations(template()), []);
            });
        });
    }
});

describe("nginx's writable paths", () => {
    it("fall back to the image's compiled-in paths, and include log files that are not stdout/stderr", () => {
        const conf = "error_log /dev/stderr;\nhttp {\n  access_log /var/log/nginx/access.log main;\n  proxy_temp_path /tmp/proxy_temp;\n}\n";
        assert.deepStrictEqual(nginxWritablePaths(conf).sort(), [
            "/tmp/proxy_temp", "/var/cache/nginx/client_temp", "/var/cache/nginx/fastcgi_temp", "/var/cache/nginx/scgi_temp",
            "/var/cache/nginx/uwsgi_temp", "/var/log/nginx/access.log", "/var/run/nginx.pid",
        ]);
    });
});

describe("restricted Pod Security checker", () => {
    let admitted: PodTemplate;
    before(async () => {
        const run = await everyKindOfDestination();
        admitted = knownAs(run, DEPLOYMENT, childName(COMPONENT, "nginx", "deployment")).inputs.spec.template;
    });

    const copy = (): any => structuredClone(admitted);
    const brokenCopies: [string, (pod: any) => void, string][] = [
        ["a privileged container", (pod) => { pod.spec.containers[0].securityContext.privileged = true; }, "privileged"],
        ["host networking", (pod) => { pod.spec.hostNetwork = true; }, "hostNetwork"],
        ["the host's PID namespace", (pod) => { pod.spec.hostPID = true; }, "hostPID"],
        ["the host's IPC namespace", (pod) => { pod.spec.hostIPC = true; }, "hostIPC"],
        ["a host port", (pod) => { pod.spec.containers[0].ports[0].hostPort = 443; }, "hostPort"],
        ["a hostPath volume", (pod) => { pod.spec.volumes.push({ name: "host", hostPath: { path: "/" } }); }, "hostPath"],
        ["an added SYS_ADMIN capability", (pod) => { pod.spec.containers[0].securityContext.capabilities.add = ["SYS_ADMIN"]; }, "SYS_ADMIN"],
        ["capabilities not dropped", (pod) => { delete pod.spec.containers[0].securityContext.capabilities; }, "capabilities.drop"],
        ["privilege escalation left to the default", (pod) => { delete pod.spec.containers[0].securityContext.allowPrivilegeEscalation; }, "allowPrivilegeEscalation"],
        ["a container that may run as root", (pod) => { pod.spec.containers[0].securityContext.runAsNonRoot = false; }, "runAsNonRoot"],
        ["runAsNonRoot set nowhere", (pod) => { delete pod.spec.containers[0].securityContext.runAsNonRoot; delete pod.spec.securityContext.runAsNonRoot; }, "runAsNonRoot"],
        ["UID 0", (pod) => { pod.spec.securityContext.runAsUser = 0; }, "runAsUser"],
        ["an unconfined seccomp profile", (pod) => { pod.spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" }; }, "seccompProfile"],
        ["no seccomp profile anywhere", (pod) => { delete pod.spec.containers[0].securityContext.seccompProfile; delete pod.spec.securityContext.seccompProfile; }, "seccompProfile"],
        ["an unsafe sysctl", (pod) => { pod.spec.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }]; }, "kernel.msgmax"],
        ["an unmasked /proc", (pod) => { pod.spec.containers[0].securityContext.procMount = "Unmasked"; }, "procMount"],
        ["an unconfined AppArmor profile", (pod) => { pod.spec.securityContext.appArmorProfile = { type: "Unconfined" }; }, "appArmorProfile"],
        ["an unconfined AppArmor annotation", (pod) => { pod.metadata.annotations["container.apparmor.security.beta.kubernetes.io/x"] = "unconfined"; }, "apparmor"],
        ["a privileged SELinux type", (pod) => { pod.spec.containers[0].securityContext.seLinuxOptions = { type: "spc_t" }; }, "seLinuxOptions.type"],
        ["an SELinux user", (pod) => { pod.spec.securityContext.seLinuxOptions = { user: "system_u" }; }, "seLinuxOptions.user"],
        ["a Windows host process", (pod) => { pod.spec.securityContext.windowsOptions = { hostProcess: true }; }, "hostProcess"],
        ["an unhardened initContainer", (pod) => { pod.spec.initContainers = [{ name: "init", image: "busybox:1.36" }]; }, "initContainers[init]"],
        ["an unhardened ephemeral container", (pod) => { pod.spec.ephemeralContainers = [{ name: "debug", image: "busybox:1.36" }]; }, "ephemeralContainers[debug]"],
    ];

    for (const [what, breakIt, field] of brokenCopies) {
        it(`refuses ${what}`, () => {
            const pod = copy();
            breakIt(pod);
            const violations = restrictedViolations(pod);
            assert.ok(violations.some((v) => v.includes(field)), `expected a violation naming ${field}, got ${JSON.stringify(violations)}`);
        });
    }

    it("admits a hardened initContainer and NET_BIND_SERVICE, which the profile allows", () => {
        const pod = copy();
        pod.spec.initContainers = [structuredClone(pod.spec.containers[0])];
        pod.spec.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE"];
        assert.deepStrictEqual(restrictedViolations(pod), []);
    });
});

describe("secrets stay secret", () => {
    let run: ProgramRun;
    let stack: ProgramRun;
    before(async () => {
        run = await runComponent(everythingArgs(), new SimulatedProviders().provider);
        stack = await runStackProgram(stackConfigOf(COMPONENT, everythingArgs()), new SimulatedProviders().provider);
    });

    it("the runs do carry private keys, so the scan has something to find", () => {
        for (const scanned of [run, stack]) {
            const keys = scanned.registrations.flatMap((r) => anyPrivateKeys(r.rawInputs, `${r.type} ${r.name}`));
            assert.ok(keys.length >= 5, `only ${keys.length} private keys in the inputs: ${keys.join(", ")}`);
        }
    });

    it("no private key outside a secret marker, in a ConfigMap, a label, an annotation or an output of the component", () => {
        assert.deepStrictEqual(privateKeyLeaks(run), []);
        assert.ok(run.componentOutputs.size > 0, "the component registered outputs");
    });

    it("no private key in the stack's outputs or anywhere else in the full program", () => {
        const stackOutputs = stack.componentOutputs.get(stackUrn(stack));
        assert.ok(stackOutputs?.caCertificates, `the stack exports its outputs (got ${Object.keys(stackOutputs ?? {}).join(", ")})`);
        assert.deepStrictEqual(privateKeyLeaks(stack), []);
    });

    describe("the scan catches", () => {
        const serverCerts = () => run.get(SECRET, childName(COMPONENT, "nginx", "server-certs"));
        const plainKey = () => serverCerts().inputs.stringData["tls.key"] as string;
        /** `value` under the SDK's secret marker, copied from a real secret input. */
        const marked = (value: unknown) => ({ ...serverCerts().rawInputs.stringData, value });
        const leak = (rawInputs: object, type: string = SECRET): Registration => ({ ...serverCerts(), type, name: "leak", rawInputs });
        const caught = (registrations: Registration[], componentOutputs = new Map<string, any>()) =>
            privateKeyLeaks({ registrations, componentOutputs });

        it("a key in a Secret without a secret marker", () => {
            assert.deepStrictEqual(caught([leak({ stringData: { "tls.key": plainKey() } })]), [`${SECRET} leak inputs.stringData.tls.key`]);
        });

        it("a key in a ConfigMap, even under a secret marker", () => {
            assert.deepStrictEqual(caught([leak({ data: marked({ "key.pem": plainKey() }) }, CONFIG_MAP)]), [`${CONFIG_MAP} leak inputs.data.key.pem`]);
            const binaryData = { "key.pem": Buffer.from(plainKey()).toString("base64") };
            assert.deepStrictEqual(caught([leak({ binaryData }, CONFIG_MAP)]), [`${CONFIG_MAP} leak inputs.binaryData(decoded).key.pem`]);
        });

        it("a key in a pod template annotation or a label, even under a secret marker", () => {
            const annotated = { spec: { template: { metadata: { annotations: marked({ key: plainKey() }) } } } };
            assert.deepStrictEqual(caught([leak(annotated, DEPLOYMENT)]), [`${DEPLOYMENT} leak inputs.spec.template.metadata.annotations.key`]);
            assert.deepStrictEqual(caught([leak({ metadata: { labels: marked({ key: plainKey() }) } })]), [`${SECRET} leak inputs.metadata.labels.key`]);
        });

        it("a key in a component output, even under a secret marker", () => {
            assert.deepStrictEqual(caught([], new Map([["urn:component", { keys: marked(plainKey()) }]])), ["urn:component outputs.keys"]);
        });
    });
});
