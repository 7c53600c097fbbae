import * as assert from "assert";
import { ConfigError, EgressTlsOrigination, EgressTlsOriginationArgs, resolveConfig } from "../components";
import { ResolvedConfig } from "../components/config";
import { claimedNames, objectNames } from "../components/naming";
import { cheapProviders } from "./support/cheapProviders";
import { destinationRuleFor, gatewaysSelecting, MeshConfig, routesFor } from "./support/configLookup";
import { OUTSIDE_CA_PEM } from "./support/fixtures";
import { ProgramRun, runProgram } from "./support/harness";
import { gatewayRouteProblem, gatewayService, meshOf, meshRouteProblem } from "./support/meshRoutes";
import { everythingArgs, runComponent } from "./support/scenarios";

const SHARED_CLIENTS = "storefront";

/** One team's instance on the shared default egress gateway: verify on, lockdown of the shared client namespace. */
function team(namePrefix: string | undefined, destination: string, host: string): EgressTlsOriginationArgs {
    return {
        namePrefix,
        destinations: [{ name: destination, host, caCertPem: OUTSIDE_CA_PEM }],
        verify: true,
        lockdown: { namespaces: [SHARED_CLIENTS] },
    };
}

async function runTeams(a: EgressTlsOriginationArgs, b: EgressTlsOriginationArgs): Promise<ProgramRun> {
    return runProgram(() => {
        new EgressTlsOrigination("team-a", a);
        new EgressTlsOrigination("team-b", b);
    }, cheapProviders);
}

/** Declares instance `a`, then `b`, in one program: what declaring `b` threw, and the run. */
async function secondInstanceFailure(a: EgressTlsOriginationArgs, b: EgressTlsOriginationArgs): Promise<{ failure: unknown; run: ProgramRun }> {
    let failure: unknown;
    const run = await runProgram(() => {
        new EgressTlsOrigination("team-a", a);
        try {
            new EgressTlsOrigination("team-b", b);
        } catch (error) {
            failure = error;
        }
    }, cheapProviders);
    return { failure, run };
}

function duplicates(names: string[]): string[] {
    return names.filter((name, i) => names.indexOf(name) !== i);
}

const CASES: [string, EgressTlsOriginationArgs, EgressTlsOriginationArgs][] = [
    ["team A with pay, team B with shop", team("team-a", "pay", "api.pay.example.com"), team("team-b", "shop", "api.shop.example.com")],
    ["both teams with a destination named pay", team("team-a", "pay", "api.pay.example.com"), team("team-b", "pay", "api.pay-b.example.com")],
];

describe("two instances sharing one egress gateway in one program", () => {
    for (const [title, argsA, argsB] of CASES) {
        describe(title, () => {
            const configs: [string, ResolvedConfig][] = [["team-a", resolveConfig(argsA)], ["team-b", resolveConfig(argsB)]];
            let run: ProgramRun;
            let mesh: MeshConfig;

            before(async () => {
                run = await runTeams(argsA, argsB);
                mesh = meshOf([run], [gatewayService(configs[0][1])]);
            });

            it("declares no Kubernetes object twice", () => {
                assert.deepStrictEqual(duplicates(run.kubernetesObjects()), []);
            });

            it("gives each instance its own Gateway object, verify namespace and Job, and lockdown NetworkPolicy", () => {
                const kinds = (kind: string) => run.kubernetesObjects().filter((o) => o.startsWith(`${kind} `));
                assert.deepStrictEqual(kinds("Gateway"), ["Gateway default/team-a-istio-egressgateway", "Gateway default/team-b-istio-egressgateway"]);
                assert.deepStrictEqual(kinds("Job"), ["Job team-a-egress-tls-verify/team-a-egress-tls-verify", "Job team-b-egress-tls-verify/team-b-egress-tls-verify"]);
                assert.deepStrictEqual(kinds("NetworkPolicy"), [`NetworkPolicy ${SHARED_CLIENTS}/team-a-egress-tls-lockdown`, `NetworkPolicy ${SHARED_CLIENTS}/team-b-egress-tls-lockdown`]);
            });

            for (const [instance, config] of configs) {
                it(`routes ${instance}'s traffic, from every client namespace, only through ${instance}'s own objects`, () => {
                    const [destination] = config.destinations;
                    for (const client of [SHARED_CLIENTS, "default", "istio-system", "elsewhere"]) {
                        assert.strictEqual(meshRouteProblem(mesh, client, config, destination), "", client);
                        const [route] = routesFor(mesh, client, destination.host, 80, "mesh");
                        assert.strictEqual(route.virtualService.name, objectNames.virtualService(destination));
                        const subset = destinationRuleFor(mesh, client, objectNames.gatewayHost(config.gateway))!.subsets.find((s) => s.name === route.destinations[0].subset);
                        const own = mesh.objects.find((o) => o.name === objectNames.gatewayDestinationRule(destination) && o.namespace === config.gateway.namespace)!;
                        assert.deepStrictEqual(subset, own.spec.subsets[0]);
                    }
                    assert.strictEqual(gatewayRouteProblem(mesh, config, destination), "");
                    const serving = gatewaysSelecting(mesh, config.gateway.selector)
                        .filter((g) => mesh.objects.find((o) => `${o.namespace}/${o.name}` === g)!.spec.servers[0].hosts.includes(destination.host));
                    assert.deepStrictEqual(serving, [`${config.routingNamespace}/${objectNames.gatewayObject(config)}`]);
                });
            }
        });
    }

    it("refuses the second of two instances without namePrefix, naming the field, before it registers anything", async () => {
        const { failure, run } = await secondInstanceFailure(team(undefined, "pay", "api.pay.example.com"), team(undefined, "shop", "api.shop.example.com"));
        assert.ok(failure instanceof ConfigError);
        assert.strictEqual(failure.field, "namePrefix");
        assert.match(failure.message, /Gateway default\/istio-egressgateway is already taken by instance "team-a"/);
        assert.ok(!run.registrations.some((r) => r.name.startsWith("team-b")));
    });

    it("refuses two instances that route one host, whatever their prefixes", async () => {
        const { failure } = await secondInstanceFailure(team("team-a", "pay", "api.pay.example.com"), team("team-b", "pay", "api.pay.example.com"));
        assert.ok(failure instanceof ConfigError);
        assert.strictEqual(failure.field, "destinations[0].host");
    });

    it("refuses a MUTUAL and a SIMPLE destination with one credentialName, in either order: Istio reads <name>-cacert for both", async () => {
        // MUTUAL `pay` declares Secret pay, SIMPLE `pay` declares pay-cacert: no object twice, yet the MUTUAL
        // destination's validation context would be the SIMPLE one's CA (pilot/pkg/security/model/authentication.go).
        const withCredential = (prefix: string, host: string, mode: string): EgressTlsOriginationArgs => ({
            ...team(prefix, "pay", host),
            destinations: [{ name: "pay", host, mode, caCertPem: OUTSIDE_CA_PEM, credentialName: "pay" }],
        });
        for (const [first, second] of [["MUTUAL", "SIMPLE"], ["SIMPLE", "MUTUAL"]]) {
            const { failure } = await secondInstanceFailure(withCredential("team-a", "api.pay.example.com", first), withCredential("team-b", "api.pay-b.example.com", second));
            assert.ok(failure instanceof ConfigError, `${first} then ${second}`);
            assert.strictEqual(failure.field, "destinations[0].credentialName");
            assert.match(failure.message, /Secret istio-system\/pay is already taken by instance "team-a"/);
        }
    });
});

describe("namePrefix", () => {
    it("keeps the walkthrough's names by default", () => {
        const config = resolveConfig(team(undefined, "nginx", "api.example.com"));
        assert.deepStrictEqual([config.namePrefix, config.verifyNamespace, config.destinations[0].credentialName, objectNames.subset(config.destinations[0])],
            ["", "egress-tls-verify", "client-credential-nginx", "nginx"]);
    });

    it("prefixes the default credentialName and verify namespace, not ones the user chose", () => {
        const config = resolveConfig({ ...team("team-a", "pay", "api.example.com"), verifyNamespace: "checks" });
        assert.deepStrictEqual([config.verifyNamespace, config.destinations[0].credentialName], ["checks", "client-credential-team-a-pay"]);
        const named = resolveConfig({ ...team("team-a", "pay", "api.example.com"), destinations: [{ name: "pay", host: "api.example.com", caCertPem: OUTSIDE_CA_PEM, credentialName: "pay-cred" }] });
        assert.strictEqual(named.destinations[0].credentialName, "pay-cred");
    });

    for (const [value, problem] of [["Team-A", /DNS-1123 label/], ["a".repeat(21), /longer than 20/], ["-a", /DNS-1123 label/]] as const) {
        it(`refuses ${JSON.stringify(value)}`, () => {
            assert.throws(() => resolveConfig(team(value, "pay", "api.example.com")), (e: ConfigError) => e.field === "namePrefix" && problem.test(e.message));
        });
    }

    it("claims every Kubernetes object the instance declares (so the in-program check misses none)", async () => {
        const args = everythingArgs();
        const run = await runComponent(args, cheapProviders);
        const claimed = new Set(claimedNames(resolveConfig(args)).map((c) => c.claim));
        assert.deepStrictEqual(run.kubernetesObjects().filter((o) => !claimed.has(o)), []);
    });
});
