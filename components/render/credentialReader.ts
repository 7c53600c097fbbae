import * as k8s from "@pulumi/kubernetes";

/**
 * istiod serves a full (MUTUAL) credential to a gateway only if the gateway's ServiceAccount may `list` Secrets in its
 * namespace: a SubjectAccessReview for that verb alone (`pilot/pkg/credentials/kube/secrets.go`, `Authorize`). A
 * `-cacert` credential skips the check. The proxies never call the API themselves, so `list` is all the Role grants.
 */
export function renderCredentialReaderRules(): k8s.types.input.rbac.v1.PolicyRule[] {
    return [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }];
}

/** Binds the Role to the gateway's ServiceAccount, which lives in the same namespace. */
export function renderCredentialReaderBinding(role: string, serviceAccount: { name: string; namespace: string }): Pick<k8s.types.input.rbac.v1.RoleBinding, "roleRef" | "subjects"> {
    return {
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
        subjects: [{ kind: "ServiceAccount", ...serviceAccount }],
    };
}
