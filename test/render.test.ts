import * as assert from "assert";
import { resolveConfig } from "../components";
import { objectNames } from "../components/naming";
import {
    renderGateway, renderGatewayDestinationRule, renderOriginationDestinationRule, renderServiceEntry, renderVirtualService,
} from "../components/render/istio";
import { renderNginxConf } from "../components/render/nginxConf";
import { renderServerService } from "../components/render/tlsServer";
import { multiDestinationArgs, NGINX } from "./support/fixtures";

const HOST = NGINX.host;
const walkthrough = resolveConfig({ destinations: [NGINX] });
const [nginx] = walkthrough.destinations;
const multi = resolveConfig(multiDestinationArgs());
const [, billing, partner] = multi.destinations;

describe("Istio specs", () => {
    it("Gateway: the walkthrough's 443 HTTPS ISTIO_MUTUAL server", () => {
        assert.deepStrictEqual(renderGateway(walkthrough), {
            selector: { istio: "egressgateway" },
            servers: [{ port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: [HOST], tls: { mode: "ISTIO_MUTUAL" } }],
        });
    });

    it("Gateway: one server listing every destination's host, with the configured selector", () => {
        const spec = renderGateway(multi);
        assert.deepStrictEqual(spec.selector, { app: "egress-gw" });
        assert.deepStrictEqual(spec.servers?.[0].hosts, [HOST, "billing.payments.svc.cluster.local", "api.partner.example.org"]);
    });

    it("gateway DestinationRule: the walkthrough's subset with the host as SNI, exported to every client namespace", () => {
        assert.deepStrictEqual(renderGatewayDestinationRule(nginx, walkthrough.gateway), {
            host: "istio-egressgateway.istio-system.svc.cluster.local",
            exportTo: ["*"],
            subsets: [{
                name: "nginx",
                trafficPolicy: {
                    loadBalancer: { simple: "ROUND_ROBIN" },
                    portLevelSettings: [{ port: { number: 443 }, tls: { mode: "ISTIO_MUTUAL", sni: HOST } }],
                },
            }],
        });
    });

    it("gateway DestinationRules: a subset of its own per destination, on the custom gateway's host", () => {
        const rules = multi.destinations.map((d) => renderGatewayDestinationRule(d, multi.gateway));
        assert.deepStrictEqual(rules.map((r) => r.host), Array(3).fill("egress-gw.demo-istio.svc.cluster.local"));
        assert.deepStrictEqual(rules.map((r) => r.subsets?.map((s) => s.name)), [["nginx"], ["billing"], ["partner"]]);
    });

    it("VirtualService: mesh :80 → gateway subset :443, gateway :443 → host", () => {
        assert.deepStrictEqual(renderVirtualService(nginx, walkthrough), {
            hosts: [HOST],
            exportTo: ["*"],
            gateways: ["istio-egressgateway", "mesh"],
            http: [
                {
                    match: [{ gateways: ["mesh"], port: 80 }],
                    route: [{ destination: { host: "istio-egressgateway.istio-system.svc.cluster.local", subset: "nginx", port: { number: 443 } }, weight: 100 }],
                },
                {
                    match: [{ gateways: ["istio-egressgateway"], port: 443 }],
                    route: [{ destination: { host: HOST, port: { number: 443 } }, weight: 100 }],
                },
            ],
        });
    });

    it("VirtualService: routes the gateway to the destination's own port", () => {
        const spec = renderVirtualService(billing, multi);
        assert.deepStrictEqual(spec.gateways, ["egress-gw", "mesh"]);
        assert.deepStrictEqual(spec.http?.[1].route?.[0].destination, { host: "billing.payments.svc.cluster.local", port: { number: 8443 } });
    });

    it("origination DestinationRule: SIMPLE with the walkthrough's credentialName and SNI, kept to the gateway's namespace", () => {
        assert.deepStrictEqual(renderOriginationDestinationRule(nginx), {
            host: HOST,
            exportTo: ["."],
            trafficPolicy: {
                loadBalancer: { simple: "ROUND_ROBIN" },
                portLevelSettings: [{
                    port: { number: 443 },
                    tls: { mode: "SIMPLE", credentialName: "client-credential", sni: HOST, subjectAltNames: ["my-nginx.mesh-external.svc.cluster.local"] },
                }],
            },
        });
    });

    it("origination DestinationRule: MUTUAL on the destination's port; subjectAltNames the host by default, or as given", () => {
        assert.deepStrictEqual(renderOriginationDestinationRule(billing).trafficPolicy?.portLevelSettings?.[0], {
            port: { number: 8443 },
            tls: {
                mode: "MUTUAL", credentialName: "client-credential-billing", sni: "billing.payments.svc.cluster.local",
                subjectAltNames: ["billing.payments.svc.cluster.local"],
            },
        });
        assert.deepStrictEqual(renderOriginationDestinationRule(partner).trafficPolicy?.portLevelSettings?.[0].tls?.subjectAltNames,
            ["api.partner.example.org", "*.partner.example.org"]);
    });

    it("ServiceEntry: an outside host resolved by DNS, on 80 and its TLS port", () => {
        assert.deepStrictEqual(renderServiceEntry(partner), {
            hosts: ["api.partner.example.org"],
            exportTo: ["*"],
            location: "MESH_EXTERNAL",
            resolution: "DNS",
            ports: [{ number: 80, name: "http", protocol: "HTTP" }, { number: 443, name: "https", protocol: "HTTPS" }],
        });
    });
});

describe("object names", () => {
    it("are the walkthrough's for its destination", () => {
        assert.deepStrictEqual(
            [objectNames.serverCertsSecret(nginx), objectNames.serverCaSecret(nginx), objectNames.serverConfigMap(nginx), objectNames.credentialSecret(nginx),
                objectNames.gatewayDestinationRule(nginx), objectNames.virtualService(nginx), objectNames.originationDestinationRule(nginx)],
            ["nginx-server-certs", "nginx-ca-certs", "nginx-configmap", "client-credential-cacert",
                "egressgateway-for-nginx", "direct-nginx-through-egress-gateway", "originate-tls-for-nginx"],
        );
    });

    it("give MUTUAL the credential's own name, where Istio looks for tls.crt, tls.key and ca.crt", () => {
        assert.strictEqual(objectNames.credentialSecret(billing), "client-credential-billing");
    });
});

describe("nginx.conf", () => {
    it("serves the host over TLS with the mounted certificates, not asking SIMPLE clients for a certificate", () => {
        const conf = renderNginxConf(nginx);
        for (const line of [
            "listen 8443 ssl;",
            `server_name ${HOST};`,
            "ssl_certificate /etc/nginx-server-certs/tls.crt;",
            "ssl_certificate_key /etc/nginx-server-certs/tls.key;",
            "ssl_client_certificate /etc/nginx-ca-certs/ca.crt;",
            "ssl_verify_client off;",
            "ssl_protocols TLSv1.2 TLSv1.3;",
            "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;",
            "ssl_prefer_server_ciphers off;",
            "root /usr/share/nginx/html;",
            "pid /tmp/nginx.pid;",
        ]) {
            assert.ok(conf.includes(line), `nginx.conf lacks "${line}"`);
        }
    });

    it("requires a client certificate from the destination's CA for MUTUAL", () => {
        const conf = renderNginxConf(billing);
        assert.match(conf, /^\s*ssl_verify_client on;/m);
        assert.doesNotMatch(conf, /ssl_verify_client off/);
    });
});

describe("server Service", () => {
    it("keeps the destination port and sends it to the unprivileged container port", () => {
        assert.deepStrictEqual(renderServerService({ ...nginx, server: nginx.server! }), {
            ports: [{ port: 443, targetPort: 8443, protocol: "TCP" }],
            selector: { run: "my-nginx" },
        });
    });
});
