/**
 * The `restricted` Pod Security Standard (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
 * version `latest`) as a pure check of a pod template: the baseline rules plus the restricted ones, for containers,
 * initContainers and ephemeralContainers. It returns every violation, each naming the offending field, so a test can
 * show what the admission controller of a `pod-security.kubernetes.io/enforce: restricted` namespace would refuse.
 */

interface Capabilities {
    add?: string[];
    drop?: string[];
}

interface SharedSecurityContext {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    seccompProfile?: { type?: string };
    seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
    appArmorProfile?: { type?: string };
    windowsOptions?: { hostProcess?: boolean };
}

interface ContainerSecurityContext extends SharedSecurityContext {
    privileged?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: Capabilities;
    procMount?: string;
}

interface PodSecurityContext extends SharedSecurityContext {
    sysctls?: { name: string; value: string }[];
}

export interface Container {
    name: string;
    securityContext?: ContainerSecurityContext;
    ports?: { hostPort?: number }[];
}

interface PodSpec {
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    securityContext?: PodSecurityContext;
    containers: Container[];
    initContainers?: Container[];
    ephemeralContainers?: Container[];
    volumes?: ({ name: string } & { [volumeType: string]: unknown })[];
}

export interface PodTemplate {
    metadata?: { annotations?: { [key: string]: string } };
    spec: PodSpec;
}

const ALLOWED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
const ALLOWED_SECCOMP = ["RuntimeDefault", "Localhost"];
const ALLOWED_APPARMOR = ["RuntimeDefault", "Localhost"];
const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
const ALLOWED_SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
const ALLOWED_ADDED_CAPABILITIES = ["NET_BIND_SERVICE"];
const SAFE_SYSCTLS = [
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
];

function sharedContextViolations(context: SharedSecurityContext | undefined, field: string): string[] {
    const violations: string[] = [];
    if (context?.windowsOptions?.hostProcess === true) violations.push(`${field}.windowsOptions.hostProcess must not be true`);
    if (context?.runAsUser === 0) violations.push(`${field}.runAsUser must not be 0`);
    const seccomp = context?.seccompProfile?.type;
    if (seccomp !== undefined && !ALLOWED_SECCOMP.includes(seccomp)) violations.push(`${field}.seccompProfile.type must be RuntimeDefault or Localhost, not ${seccomp}`);
    const appArmor = context?.appArmorProfile?.type;
    if (appArmor !== undefined && !ALLOWED_APPARMOR.includes(appArmor)) violations.push(`${field}.appArmorProfile.type must be RuntimeDefault or Localhost, not ${appArmor}`);
    const seLinux = context?.seLinuxOptions;
    if (seLinux?.type !== undefined && !ALLOWED_SELINUX_TYPES.includes(seLinux.type)) violations.push(`${field}.seLinuxOptions.type ${seLinux.type} is not allowed`);
    if (seLinux?.user) violations.push(`${field}.seLinuxOptions.user must not be set`);
    if (seLinux?.role) violations.push(`${field}.seLinuxOptions.role must not be set`);
    return violations;
}

function containerViolations(container: Container, field: string, pod: PodSecurityContext | undefined): string[] {
    const context = container.securityContext;
    const at = `${field}.securityContext`;
    const violations = sharedContextViolations(context, at);
    if (context?.privileged === true) violations.push(`${at}.privileged must not be true`);
    if (context?.allowPrivilegeEscalation !== false) violations.push(`${at}.allowPrivilegeEscalation must be false`);
    if (context?.procMount !== undefined && context.procMount !== "Default") violations.push(`${at}.procMount must be Default`);
    if (!(context?.capabilities?.drop ?? []).includes("ALL")) violations.push(`${at}.capabilities.drop must include ALL`);
    for (const added of context?.capabilities?.add ?? []) {
        if (!ALLOWED_ADDED_CAPABILITIES.includes(added)) violations.push(`${at}.capabilities.add must not include ${added}`);
    }
    if (context?.runAsNonRoot === false) violations.push(`${at}.runAsNonRoot must not be false`);
    else if (context?.runAsNonRoot !== true && pod?.runAsNonRoot !== true) violations.push(`${at}.runAsNonRoot must be true (here or on the pod)`);
    if (context?.seccompProfile?.type === undefined && pod?.seccompProfile?.type === undefined) {
        violations.push(`${at}.seccompProfile.type must be set (here or on the pod)`);
    }
    (container.ports ?? []).forEach((port, index) => {
        if (port.hostPort !== undefined && port.hostPort !== 0) violations.push(`${field}.ports[${index}].hostPort must not be set`);
    });
    return violations;
}

/** Every way `template` breaks the `restricted` profile; empty when the pod would be admitted. */
export function restrictedViolations(template: PodTemplate): string[] {
    const { spec } = template;
    const violations = sharedContextViolations(spec.securityContext, "spec.securityContext");
    for (const hostNamespace of ["hostNetwork", "hostPID", "hostIPC"] as const) {
        if (spec[hostNamespace] === true) violations.push(`spec.${hostNamespace} must not be true`);
    }
    for (const sysctl of spec.securityContext?.sysctls ?? []) {
        if (!SAFE_SYSCTLS.includes(sysctl.name)) violations.push(`spec.securityContext.sysctls: ${sysctl.name} is not a safe sysctl`);
    }
    for (const volume of spec.volumes ?? []) {
        const types = Object.keys(volume).filter((key) => key !== "name");
        if (!types.every((type) => ALLOWED_VOLUME_TYPES.includes(type))) violations.push(`spec.volumes[${volume.name}] has type ${types.join(", ")}, which is not allowed`);
    }
    for (const [key, value] of Object.entries(template.metadata?.annotations ?? {})) {
        if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && value !== "runtime/default" && !value.startsWith("localhost/")) {
            violations.push(`metadata.annotations[${key}] must be runtime/default or localhost/*`);
        }
    }
    for (const kind of ["containers", "initContainers", "ephemeralContainers"] as const) {
        for (const container of spec[kind] ?? []) {
            violations.push(...containerViolations(container, `spec.${kind}[${container.name}]`, spec.securityContext));
        }
    }
    return violations;
}
