import * as k8s from "@pulumi/kubernetes";

/**
 * A container held to the `restricted` Pod Security Standard: a fixed non-root user, no privilege escalation, no
 * capabilities, RuntimeDefault seccomp, and a read-only root filesystem (writable paths must be emptyDirs).
 */
export function restrictedContainerSecurity(user: number): k8s.types.input.core.v1.SecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: user,
        runAsGroup: user,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}
