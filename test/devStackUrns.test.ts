import * as assert from "assert";
import { stackConfig } from "./support/devStack";
import { runStackProgram } from "./support/stackProgram";
import { SimulatedProviders } from "./support/tlsProvider";

/**
 * Users have stacks deployed from earlier releases. A changed URN makes `pulumi up` create a new resource and delete the
 * old one: for a Kubernetes object with a fixed name that is "already exists" or an outage, for a key a new certificate.
 * These are the dev stack's URNs; every change to this list must be deliberate, with `aliases` where an object moves.
 */
describe("the dev stack's resource URNs (what an upgrade must keep)", () => {
    it("registers exactly these URNs", async () => {
        const run = await runStackProgram(stackConfig(), new SimulatedProviders().provider);
        const urns = run.registrations.map((r) => r.urn.replace(/^urn:pulumi:[^:]+::[^:]+::/, "")).sort();
        assert.deepStrictEqual(urns, [
            "egress-tls:index:EgressTlsOrigination$kubernetes:apps/v1:Deployment::egress-tls-nginx-deployment",
            "egress-tls:index:EgressTlsOrigination$kubernetes:core/v1:ConfigMap::egress-tls-nginx-configmap",
            "egress-tls:index:EgressTlsOrigination$kubernetes:core/v1:Namespace::egress-tls-ns-mesh-external",
            "egress-tls:index:EgressTlsOrigination$kubernetes:core/v1:Secret::egress-tls-nginx-ca-certs",
            "egress-tls:index:EgressTlsOrigination$kubernetes:core/v1:Secret::egress-tls-nginx-credential",
            "egress-tls:index:EgressTlsOrigination$kubernetes:core/v1:Secret::egress-tls-nginx-server-certs",
            "egress-tls:index:EgressTlsOrigination$kubernetes:core/v1:Service::egress-tls-nginx-service",
            "egress-tls:index:EgressTlsOrigination$kubernetes:networking.istio.io/v1:DestinationRule::egress-tls-nginx-gateway-subset",
            "egress-tls:index:EgressTlsOrigination$kubernetes:networking.istio.io/v1:DestinationRule::egress-tls-nginx-originate-tls",
            "egress-tls:index:EgressTlsOrigination$kubernetes:networking.istio.io/v1:Gateway::egress-tls-gateway",
            "egress-tls:index:EgressTlsOrigination$kubernetes:networking.istio.io/v1:VirtualService::egress-tls-nginx-virtual-service",
            "egress-tls:index:EgressTlsOrigination$random:index/randomId:RandomId::egress-tls-rotation",
            "egress-tls:index:EgressTlsOrigination$tls:index/certRequest:CertRequest::egress-tls-nginx-server-csr",
            "egress-tls:index:EgressTlsOrigination$tls:index/locallySignedCert:LocallySignedCert::egress-tls-nginx-server-cert",
            "egress-tls:index:EgressTlsOrigination$tls:index/privateKey:PrivateKey::egress-tls-nginx-ca-key",
            "egress-tls:index:EgressTlsOrigination$tls:index/privateKey:PrivateKey::egress-tls-nginx-server-key",
            "egress-tls:index:EgressTlsOrigination$tls:index/selfSignedCert:SelfSignedCert::egress-tls-nginx-ca-cert",
            "pulumi:pulumi:Stack$egress-tls:index:EgressTlsOrigination::egress-tls",
            "pulumi:pulumi:Stack::egress-tls-dev",
        ]);
    });
});
