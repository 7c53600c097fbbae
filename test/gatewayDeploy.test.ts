import * as assert from "assert";
import { ConfigError, EgressTlsOriginationArgs, resolveConfig } from "../components";
import { ResolvedGateway } from "../components/config";
import { renderGatewayValues } from "../components/render/gatewayValues";
import { cheapProviders } from "./support/cheapProviders";
import { NGINX, TYPES } from "./support/fixtures";
import { ProgramRun, Registration } from "./support/harness";
import { devStackArgs, everyKindOfDestinationArgs, runComponent } from "./support/scenarios";

const { release: RELEASE, namespace: NAMESPACE } = TYPES;

function gateway(overrides: Partial<ResolvedGateway> = {}): ResolvedGateway {
    return { ...resolveConfig({ destinations: [NGINX] }).gateway, deploy: true, namespace: "egress", ...overrides };
}

describe("renderGatewayValues", () => {
    it("names the chart's objects after the gateway, so <name>.<namespace>.svc.cluster.local is its Service", () => {
        assert.strictEqual(renderGatewayValues(gateway({ name: "egress-gw" })).name, "egress-gw");
    });

    it("labels the pods with the gateway selector, for the Gateway object to select them", () => {
        assert.deepStrictEqual(renderGatewayValues(gateway()).labels, { istio: "egressgateway" });
        // The chart makes `app` and `istio` its selector labels and adds every other key to the pods' labels.
        assert.deepStrictEqual(renderGatewayValues(gateway({ selector: { app: "egress-gw", tier: "egress" } })).labels, { app: "egress-gw", tier: "egress" });
    });

    it("asks for a ClusterIP Service with the gateway's TLS port alone, not the chart's public LoadBalancer", () => {
        assert.deepStrictEqual(renderGatewayValues(gateway()).service, {
            type: "ClusterIP",
            ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 443 }],
        });
    });

    it("keeps the chart's Role that lets the gateway read credential Secrets over SDS", () => {
        assert.deepStrictEqual(renderGatewayValues(gateway()).rbac, { enabled: true });
    });
});

describe("gateway.deploy config", () => {
    it("refuses a gateway name longer than a Helm release name may be", () => {
        const args: EgressTlsOriginationArgs = { ...devStackArgs(), gateway: { namespace: "egress", name: "g".repeat(54), deploy: true } };
        assert.throws(() => resolveConfig(args), (e: ConfigError) => e.field === "gateway.name" && /53/.test(e.message));
        assert.strictEqual(resolveConfig({ ...args, gateway: { ...args.gateway, name: "g".repeat(53) } }).gateway.name.length, 53);
    });
});

describe("EgressTlsOrigination without gateway.deploy", () => {
    it("deploys no gateway and creates no gateway namespace (the default)", async () => {
        const args = devStackArgs();
        const run = await runComponent(args, cheapProviders);
        assert.deepStrictEqual(run.ofType(RELEASE), []);
        const gatewayNamespace = resolveConfig(args).gateway.namespace;
        assert.ok(!run.ofType(NAMESPACE).some((r) => r.inputs.metadata.name === gatewayNamespace));
    });
});

describe("EgressTlsOrigination with gateway.deploy", () => {
    const args: EgressTlsOriginationArgs = {
        ...everyKindOfDestinationArgs(),
        gateway: { namespace: "egress", name: "egress-gw", selector: { app: "egress-gw" }, deploy: true, chartVersion: "1.27.3" },
    };
    const config = resolveConfig(args);
    let run: ProgramRun;
    let release: Registration;
    let namespace: Registration;

    before(async () => {
        run = await runComponent(args, cheapProviders);
        [release] = run.ofType(RELEASE);
        namespace = run.get(NAMESPACE, "egress-tls-ns-egress");
    });

    it("installs the istio/gateway chart at the configured version into the gateway namespace", () => {
        assert.strictEqual(run.ofType(RELEASE).length, 1);
        assert.strictEqual(release.inputs.chart, "gateway");
        assert.deepStrictEqual(release.inputs.repositoryOpts, { repo: "https://istio-release.storage.googleapis.com/charts" });
        assert.strictEqual(release.inputs.version, "1.27.3");
        assert.strictEqual(release.inputs.namespace, "egress");
        assert.strictEqual(release.inputs.name, "egress-gw");
        assert.deepStrictEqual(release.inputs.values, {
            name: "egress-gw",
            labels: { app: "egress-gw" },
            service: { type: "ClusterIP", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 443 }] },
            rbac: { enabled: true },
        });
        assert.notStrictEqual(release.inputs.skipAwait, true, "the Release must wait for the gateway's pods");
    });

    it("uses chart version 1.31.1 when none is given", async () => {
        const defaultVersion = await runComponent({ ...args, gateway: { ...args.gateway, chartVersion: undefined } }, cheapProviders);
        assert.strictEqual(defaultVersion.ofType(RELEASE)[0].inputs.version, "1.31.1");
    });

    it("creates the gateway namespace, without an injection label that could refuse gateway injection", () => {
        assert.strictEqual(namespace.inputs.metadata.name, "egress");
        assert.strictEqual(namespace.inputs.metadata.labels["istio-injection"], undefined);
        assert.strictEqual(namespace.inputs.metadata.labels["app.kubernetes.io/part-of"], "egress-tls");
        assert.ok(release.dependencies.includes(namespace.urn));
    });

    it("waits for the Release and Namespace before every credential Secret", () => {
        const secrets = run.ofType(TYPES.secret).filter((r) => r.inputs.metadata.namespace === "egress");
        assert.deepStrictEqual(secrets.map((s) => s.inputs.metadata.name).sort(),
            ["client-credential-bank", "client-credential-billing", "client-credential-cacert", "client-credential-partner-cacert"]);
        for (const secret of secrets) {
            assert.ok(secret.dependencies.includes(release.urn), secret.name);
            assert.ok(secret.dependencies.includes(namespace.urn), secret.name);
        }
    });

    it("waits for the Release before every origination DestinationRule and the Gateway object", () => {
        const originations = ["nginx", "billing", "bank", "partner"].map((name) => run.object("DestinationRule", "egress", `originate-tls-for-${name}`));
        for (const dependent of [...originations, run.get(TYPES.gateway, "egress-tls-gateway")]) {
            assert.ok(run.waitsFor(dependent).has(release.urn), dependent.name);
        }
    });

    it("puts nothing into the gateway namespace before the gateway is ready", () => {
        const inNamespace = run.registrations.filter((r) => r.inputs.metadata?.namespace === "egress");
        assert.ok(inNamespace.length >= config.destinations.length * 2);
        for (const registration of inNamespace) assert.ok(run.waitsFor(registration).has(release.urn), registration.name);
    });
});
