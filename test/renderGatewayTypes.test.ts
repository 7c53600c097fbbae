import * as assert from "assert";
import { resolveConfig } from "../components";
import { objectNames } from "../components/naming";
import { renderCheckCommands } from "../components/render/checkCommands";
import { renderCredentialReaderBinding, renderCredentialReaderRules } from "../components/render/credentialReader";
import { renderForwardRoute, renderKubernetesGateway, renderReferenceGrant } from "../components/render/gatewayApi";
import { renderMeshVirtualService, renderOriginationDestinationRule } from "../components/render/istio";
import { renderWaypointGateway, renderWaypointServiceEntry, waypointBindingLabels } from "../components/render/waypoint";
import { NGINX, PARTNER } from "./support/fixtures";

// Each spec against its counterpart in Istio's docs task "Egress Gateways with TLS Origination" (Gateway API tab), its
// ambient "Egress gateways" page and TestWaypointAsEgressGateway, with the walkthrough's names where they have one.

const gatewayApi = resolveConfig({ destinations: [NGINX, PARTNER], gateway: { type: "gateway-api", namespace: "egress", name: "nginx-egressgateway" } });
const [nginx, partner] = gatewayApi.destinations;
const NGINX_WAYPOINT_HOST = "nginx.example.com";
const waypoint = resolveConfig({ destinations: [{ ...NGINX, host: NGINX_WAYPOINT_HOST }, PARTNER], gateway: { type: "waypoint" } });
const [waypointNginx, waypointPartner] = waypoint.destinations;

describe("Gateway API specs (gateway.type gateway-api)", () => {
    it("Gateway: class istio, an HTTPS listener per host terminating Istio mutual TLS, routes from its own namespace", () => {
        const spec = renderKubernetesGateway(gatewayApi);
        assert.strictEqual(spec.gatewayClassName, "istio");
        assert.deepStrictEqual(spec.listeners[0], {
            name: "https-nginx",
            hostname: NGINX.host,
            port: 443,
            protocol: "HTTPS",
            tls: { mode: "Terminate", options: { "gateway.istio.io/tls-terminate-mode": "ISTIO_MUTUAL" } },
            allowedRoutes: { namespaces: { from: "Same" } },
        });
        assert.deepStrictEqual(spec.listeners.map((l) => l.hostname), [NGINX.host, PARTNER.host]);
    });

    it("names the gateway's workload <name>-istio, as Istio deploys it", () => {
        assert.strictEqual(objectNames.gatewayHost(gatewayApi.gateway), "nginx-egressgateway-istio.egress.svc.cluster.local");
        assert.strictEqual(objectNames.credentialReader(gatewayApi.gateway), "nginx-egressgateway-istio-sds");
    });

    it("mesh VirtualService: port 80 of the host to the destination's subset of <name>-istio on 443", () => {
        assert.deepStrictEqual(renderMeshVirtualService(nginx, gatewayApi.gateway), {
            hosts: [NGINX.host],
            exportTo: ["*"],
            gateways: ["mesh"],
            http: [{
                match: [{ gateways: ["mesh"], port: 80 }],
                route: [{ destination: { host: "nginx-egressgateway-istio.egress.svc.cluster.local", subset: "nginx", port: { number: 443 } }, weight: 100 }],
            }],
        });
    });

    it("HTTPRoute: the in-cluster server's Service, in its namespace, on the TLS port", () => {
        assert.deepStrictEqual(renderForwardRoute(nginx, gatewayApi.gateway), {
            parentRefs: [{ name: "nginx-egressgateway", sectionName: "https-nginx" }],
            hostnames: [NGINX.host],
            rules: [{ backendRefs: [{ name: "my-nginx", namespace: "mesh-external", port: 443 }] }],
        });
    });

    it("HTTPRoute: an outside host as Istio's Hostname backend", () => {
        assert.deepStrictEqual(renderForwardRoute(partner, gatewayApi.gateway).rules?.[0].backendRefs, [
            { group: "networking.istio.io", kind: "Hostname", name: PARTNER.host, port: 443 },
        ]);
    });

    it("ReferenceGrant: HTTPRoutes of the gateway's namespace may use the server's Service", () => {
        assert.deepStrictEqual(renderReferenceGrant(nginx.server!, gatewayApi.gateway), {
            from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "egress" }],
            to: [{ group: "", kind: "Service", name: "my-nginx" }],
        });
        assert.strictEqual(objectNames.referenceGrant(nginx.server!), "my-nginx-reference-grant");
    });

    it("check commands: the pods' gateway-name label, and the credential in deploy/<name>-istio", () => {
        assert.deepStrictEqual(renderCheckCommands(gatewayApi, nginx), {
            request: `kubectl exec deploy/curl -c curl -- curl -sS http://${NGINX.host}`,
            gatewayLog: `kubectl logs -l gateway.networking.k8s.io/gateway-name=nginx-egressgateway -n egress --tail=-1 | grep '${NGINX.host}' | grep HTTP`,
            credential: "istioctl proxy-config secret deploy/nginx-egressgateway-istio -n egress | grep 'client-credential'",
        });
    });
});

describe("waypoint specs (gateway.type waypoint)", () => {
    it("Gateway: class istio-waypoint with the HBONE listener on 15008, as istioctl waypoint apply makes it, open to the routing namespace alone", () => {
        assert.deepStrictEqual(renderWaypointGateway("default"), {
            gatewayClassName: "istio-waypoint",
            listeners: [{
                name: "mesh", port: 15008, protocol: "HBONE",
                allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": "default" } } } },
            }],
        });
    });

    it("ServiceEntry: bound to the waypoint by label, port 80 HTTP with the TLS port as targetPort", () => {
        assert.deepStrictEqual(waypointBindingLabels(waypoint.gateway), { "istio.io/use-waypoint": "waypoint", "istio.io/use-waypoint-namespace": "istio-egress" });
        assert.deepStrictEqual(renderWaypointServiceEntry(waypointPartner), {
            hosts: [PARTNER.host],
            exportTo: ["*"],
            location: "MESH_EXTERNAL",
            resolution: "DNS",
            ports: [{ number: 80, name: "http", protocol: "HTTP", targetPort: 443 }],
        });
    });

    it("ServiceEntry: an in-cluster server under a host of its own, its Service the endpoint", () => {
        const spec = renderWaypointServiceEntry(waypointNginx);
        assert.deepStrictEqual([spec.hosts, spec.endpoints], [[NGINX_WAYPOINT_HOST], [{ address: "my-nginx.mesh-external.svc.cluster.local" }]]);
    });

    it("origination DestinationRule: TLS settings on the service port 80, where Istio matches them", () => {
        const settings = renderOriginationDestinationRule(waypointNginx, 80).trafficPolicy?.portLevelSettings;
        assert.deepStrictEqual(settings?.map((p) => [p.port?.number, p.tls?.sni, p.tls?.credentialName]), [[80, NGINX_WAYPOINT_HOST, "client-credential"]]);
    });

    it("names the waypoint's workload and ServiceAccount after the Gateway", () => {
        assert.strictEqual(objectNames.gatewayWorkload(waypoint.gateway), "waypoint");
        assert.strictEqual(renderCheckCommands(waypoint, waypointPartner).credential,
            "istioctl proxy-config secret deploy/waypoint -n istio-egress | grep 'client-credential-partner'");
    });
});

describe("credential reader Role", () => {
    it("grants list on Secrets, the one verb istiod's SubjectAccessReview checks, to the gateway's ServiceAccount", () => {
        assert.deepStrictEqual(renderCredentialReaderRules(), [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }]);
        assert.deepStrictEqual(renderCredentialReaderBinding("w-sds", { name: "w", namespace: "egress" }), {
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "w-sds" },
            subjects: [{ kind: "ServiceAccount", name: "w", namespace: "egress" }],
        });
    });
});
