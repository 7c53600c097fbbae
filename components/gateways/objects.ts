import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DestinationCertificates } from "../certificates";
import { ResolvedDestination } from "../config";
import { childName, fixedObjectChildNames, formerAliases, formerDestinationChildName, istioTypeAliases, objectNames, PULUMI_TYPES, renamedFrom } from "../naming";
import { PolicyAttachment, renderCallerPolicy, securityApiVersion } from "../render/authorization";
import { renderCredentialReaderBinding, renderCredentialReaderRules } from "../render/credentialReader";
import { renderGatewayDestinationRule, renderOriginationDestinationRule, renderServiceEntry } from "../render/istio";
import { GatewayContext } from "./types";

// The objects every gateway rendering declares the same way: credentials, the origination rule, custom resources.

export interface RoutingContext extends GatewayContext {
    /** Resources that must exist before anything in the gateway's namespace (its Namespace, a deployed gateway). */
    gatewayReady: pulumi.Resource[];
}

/** A custom resource's type; an Istio one says how its apiVersion follows `istioApiVersion`. */
interface ObjectType {
    apiVersion: string;
    kind: string;
    /** The apiVersion under each selectable `istioApiVersion`; absent for a type that does not follow it (Gateway API). */
    underIstioApiVersion?: (istioApiVersion: string) => string;
}

/**
 * A custom resource (Istio or Gateway API) with the component's labels. An Istio one also answers to its types under the
 * other values of `istioApiVersion` (istioTypeAliases), so changing that setting replaces nothing.
 */
export function customObject(
    context: RoutingContext,
    logicalName: string,
    type: ObjectType,
    metadata: { name: string; namespace: string; labels?: { [label: string]: string }; annotations?: { [key: string]: string } },
    spec: object,
    dependsOn: pulumi.Resource[] = [],
): k8s.apiextensions.CustomResource {
    const formers = type.underIstioApiVersion ? istioTypeAliases(type.kind, type.apiVersion, type.underIstioApiVersion) : [];
    const aliases = formerAliases(context.childUrnPrefix, { type: PULUMI_TYPES.customResource(type.apiVersion, type.kind), name: logicalName }, formers);
    return new k8s.apiextensions.CustomResource(logicalName, {
        apiVersion: type.apiVersion,
        kind: type.kind,
        metadata: { ...metadata, labels: { ...context.labels, ...metadata.labels } },
        spec,
    }, { parent: context.parent, dependsOn, aliases });
}

/** An Istio networking object of the configured `istioApiVersion`. */
export function istioObject(
    context: RoutingContext,
    logicalName: string,
    kind: string,
    metadata: { name: string; namespace: string; labels?: { [label: string]: string } },
    spec: object,
    dependsOn: pulumi.Resource[] = [],
): k8s.apiextensions.CustomResource {
    const sameVersion = (istioApiVersion: string) => istioApiVersion;
    return customObject(context, logicalName, { apiVersion: context.config.istioApiVersion, kind, underIstioApiVersion: sameVersion }, metadata, spec, dependsOn);
}

/**
 * The gateway's AuthorizationPolicy for a destination with `allowedFrom`, in the gateway's namespace, attached as the
 * gateway's kind needs (`attachment`); none for an open destination.
 */
export function restrictCallers(context: RoutingContext, destination: ResolvedDestination, attachment?: PolicyAttachment): k8s.apiextensions.CustomResource[] {
    const { config } = context;
    const spec = renderCallerPolicy(config, destination, attachment);
    if (spec === undefined) return [];
    return [customObject(context, childName(context.component, destination.name, "allowed-callers"),
        { apiVersion: securityApiVersion(config.istioApiVersion), kind: "AuthorizationPolicy", underIstioApiVersion: securityApiVersion },
        { name: objectNames.callerPolicy(destination), namespace: config.gateway.namespace }, spec, context.gatewayReady)];
}

/**
 * The Secret the gateway loads over SDS: `ca.crt` for SIMPLE; `tls.crt`, `tls.key` and `ca.crt` for MUTUAL.
 * It lives in the gateway's namespace, the only one the gateway reads credentials from.
 */
function credentialSecret(context: RoutingContext, destination: ResolvedDestination, certificates: DestinationCertificates): k8s.core.v1.Secret {
    const { client, trustedCaPem } = certificates;
    const name = fixedObjectChildNames.credentialSecret(context.component, destination);
    const formerName = formerDestinationChildName(context.component, destination, "credential");
    return new k8s.core.v1.Secret(name, {
        metadata: { name: objectNames.credentialSecret(destination), namespace: context.config.gateway.namespace, labels: context.labels },
        stringData: client ? { "tls.crt": client.certPem, "tls.key": client.keyPem, "ca.crt": trustedCaPem } : { "ca.crt": trustedCaPem },
    }, { parent: context.parent, dependsOn: context.gatewayReady, aliases: formerAliases(context.childUrnPrefix, { type: PULUMI_TYPES.secret, name }, renamedFrom(formerName, name)) });
}

/**
 * The gateway's hop to the host: the credential Secret, then the DestinationRule in the gateway's namespace that
 * originates TLS with it on `port` (see renderOriginationDestinationRule).
 */
export function originateTls(
    context: RoutingContext,
    destination: ResolvedDestination,
    certificates: DestinationCertificates,
    port = destination.port,
): k8s.apiextensions.CustomResource {
    const credential = credentialSecret(context, destination, certificates);
    return istioObject(context, childName(context.component, destination.name, "originate-tls"), "DestinationRule",
        { name: objectNames.originationDestinationRule(destination), namespace: context.config.gateway.namespace },
        renderOriginationDestinationRule(destination, port), [credential]);
}

/**
 * For gateways Istio deploys, whose ServiceAccount no chart grants anything: a Role and RoleBinding that let it load
 * full (MUTUAL) credentials. Declared only when some destination is MUTUAL; returns what the credentials must wait for.
 */
export function credentialReader(context: RoutingContext, serviceAccount: string): pulumi.Resource[] {
    if (!context.config.destinations.some((d) => d.mode === "MUTUAL")) return [];
    const { gateway } = context.config;
    const name = objectNames.credentialReader(gateway);
    const opts = { parent: context.parent, dependsOn: context.gatewayReady };
    const metadata = { name, namespace: gateway.namespace, labels: context.labels };
    const role = new k8s.rbac.v1.Role(childName(context.component, "credential-reader"), { metadata, rules: renderCredentialReaderRules() }, opts);
    const binding = new k8s.rbac.v1.RoleBinding(childName(context.component, "credential-reader-binding"), {
        metadata,
        ...renderCredentialReaderBinding(name, { name: serviceAccount, namespace: gateway.namespace }),
    }, opts);
    return [role, binding];
}

/**
 * Sidecar → gateway: the destination's own subset of the gateway's Service, ISTIO_MUTUAL with the host as SNI. In the
 * gateway's namespace, where every client finds it (renderGatewayDestinationRule says why).
 */
export function gatewaySubset(context: RoutingContext, destination: ResolvedDestination): k8s.apiextensions.CustomResource {
    const { config } = context;
    return istioObject(context, childName(context.component, destination.name, "gateway-subset"), "DestinationRule",
        { name: objectNames.gatewayDestinationRule(destination), namespace: config.gateway.namespace },
        renderGatewayDestinationRule(destination, config.gateway), context.gatewayReady);
}

/** An outside host registered with the mesh (none for an in-cluster server, which Kubernetes registers). */
export function outsideHostEntry(context: RoutingContext, destination: ResolvedDestination): k8s.apiextensions.CustomResource[] {
    if (destination.server) return [];
    return [istioObject(context, childName(context.component, destination.name, "service-entry"), "ServiceEntry",
        { name: objectNames.serviceEntry(destination), namespace: context.config.routingNamespace }, renderServiceEntry(destination))];
}
