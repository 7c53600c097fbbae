import * as assert from "assert";
import { EgressTlsOriginationArgs } from "../../components";
import { ResolvedConfig, ResolvedDestination, resolveConfig } from "../../components/config";
import { ProgramRun } from "./harness";
import { nginxPerTest, RunningNginx, serverDeployment } from "./nginx";
import { runComponent } from "./scenarios";
import { declaredUpstreamTls, UpstreamTls } from "./tlsClient";
import { SimulatedProviders } from "./tlsProvider";

/** The TLS versions nginx is configured for, each pinned in turn by the data-plane tests. */
export const TLS_VERSIONS = ["TLSv1.2", "TLSv1.3"] as const;

/** One component run with real keys and certificates, and what a data-plane test needs from it by destination name. */
export interface DataPlane {
    readonly run: ProgramRun;
    readonly config: ResolvedConfig;
    destination(name: string): ResolvedDestination;
    /** What the gateway is configured with for the destination: its declared origination rule and credential. */
    upstream(name: string): UpstreamTls;
    /** nginx serving the destination's in-cluster server from `registrations` (the run's by default), stopped after the test. */
    serve(name: string, registrations?: ProgramRun): Promise<RunningNginx>;
}

/**
 * Call inside a `describe`: its before() hook resolves `args()` and runs the component once under SimulatedProviders,
 * and every nginx that `serve` starts is stopped after its test.
 */
export function dataPlanePerSuite(args: () => EgressTlsOriginationArgs): DataPlane {
    const startNginx = nginxPerTest();
    let state: { run: ProgramRun; config: ResolvedConfig } | undefined;
    before(async () => {
        const resolvedArgs = args();
        const config = resolveConfig(resolvedArgs);
        state = { config, run: await runComponent(resolvedArgs, new SimulatedProviders().provider) };
    });
    const ready = () => {
        assert.ok(state, "the data plane's before() hook has run");
        return state;
    };
    const plane: DataPlane = {
        get run() {
            return ready().run;
        },
        get config() {
            return ready().config;
        },
        destination(name) {
            const found = plane.config.destinations.find((d) => d.name === name);
            assert.ok(found, `destination ${name}`);
            return found;
        },
        upstream(name) {
            return declaredUpstreamTls(plane.run, plane.config.gateway.namespace, plane.destination(name));
        },
        serve(name, registrations = plane.run) {
            const { server } = plane.destination(name);
            assert.ok(server, `destination ${name} has an in-cluster server`);
            return startNginx(registrations, serverDeployment(plane.run, server));
        },
    };
    return plane;
}
