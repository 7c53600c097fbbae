import * as assert from "assert";
import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { measuredCodeDigest } from "./bench/measuredCode";
import { benchOptions } from "./bench/options";
import { combineRuns, parseSavedRun, pooled, processMedians } from "./bench/savedRuns";
import { judgeMedian } from "./bench/verdicts";
import { REPO_ROOT } from "./support/repoPaths";
import { CODE, measuredProcess, row, run } from "./support/savedRuns";

// Saved benchmark runs (test/bench/savedRuns.ts): what --save writes, what --judge accepts, why judging several runs
// together takes each process's median as one value rather than every round, and the report --judge prints.

describe("benchmark saved runs: the command line", () => {
    it("takes the flags and settings it knows, the file to save, and saved runs to judge", () => {
        assert.deepStrictEqual(benchOptions([], {}), { precise: false, perType: false });
        assert.deepStrictEqual(benchOptions(["--precise", "--save", "runs/e.json"], { BENCH_PER_TYPE: "1" }), { precise: true, perType: true, save: "runs/e.json" });
        assert.deepStrictEqual(benchOptions([], { BENCH_PRECISE: "1" }).precise, true);
        assert.deepStrictEqual(benchOptions(["--judge", "a.json", "b.json"], {}).judge, ["a.json", "b.json"]);
    });

    it("refuses what it does not know, a flag without its files, and --judge with anything that measures", () => {
        const refused: [string[], RegExp][] = [
            [["--precice"], /unknown argument "--precice"/],
            [["--save"], /--save needs the file/],
            [["--save", "--precise"], /--save needs the file/],
            [["--judge"], /--judge takes saved runs/],
            [["--judge", "a.json", "--precise"], /--judge takes saved runs, and comes last/],
            [["--precise", "--judge", "a.json"], /--judge measures nothing/],
            [["--save", "x.json", "--judge", "a.json"], /--judge measures nothing/],
        ];
        for (const [args, message] of refused) assert.throws(() => benchOptions(args, {}), message, args.join(" "));
        assert.throws(() => benchOptions(["--x"], {}), /usage: npm run bench/);
    });
});

describe("benchmark saved runs: what was measured", () => {
    let root: string;
    beforeEach(() => {
        root = mkdtempSync(path.join(os.tmpdir(), "measured-code-"));
        for (const [file, text] of Object.entries({
            "package-lock.json": "{}", "tsconfig.json": "{}", "Pulumi.dev.yaml": "config: {}", "bench/evaluate.ts": "1",
            "bench/main.ts": "report", "bench/direct/istio.ts": "2", "bench/direct/istio.yaml": "a: 1", "components/index.ts": "3",
            "components/tsconfig.json": "{}", "node_modules/x/index.js": "4",
        })) {
            mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
            writeFileSync(path.join(root, file), text);
        }
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const loaded = () => ["bench/evaluate.ts", "bench/direct/istio.ts", "components/index.ts", "node_modules/x/index.js"].map((file) => path.join(root, file));
    const changes = (file: string, text: string) => {
        const before = measuredCodeDigest(root, loaded());
        writeFileSync(path.join(root, file), text);
        return measuredCodeDigest(root, loaded()) !== before;
    };

    it("changes with a loaded module, the YAML beside one, the locked dependencies, the compiler options or the dev stack", () => {
        assert.match(measuredCodeDigest(root, loaded()), /^sha256:[0-9a-f]{16}$/);
        for (const [file, text] of [["components/index.ts", "3'"], ["bench/direct/istio.yaml", "a: 2"], ["package-lock.json", "{ }"],
            ["tsconfig.json", "{ }"], ["Pulumi.dev.yaml", "config: { a: 1 }"]]) {
            assert.ok(changes(file, text), file);
        }
        assert.ok(changes("bench/direct/gatewayApi.yaml", "b: 1"), "a new YAML file beside a loaded module");
    });

    it("ignores modules it did not load, other files beside them, dependencies, files outside the repository, and load order", () => {
        assert.ok(!changes("bench/main.ts", "another report"));
        assert.ok(!changes("components/tsconfig.json", "{ }"));
        assert.ok(!changes("bench/.istio.ts.swp", "an editor's"));
        assert.ok(!changes("bench/run.json", "a run saved beside the code"));
        assert.ok(!changes("node_modules/x/index.js", "5"));
        const outside = path.join(path.dirname(root), "elsewhere.ts");
        assert.strictEqual(measuredCodeDigest(root, [...loaded(), outside]), measuredCodeDigest(root, [...loaded()].reverse()));
    });
});

describe("benchmark saved runs: reading and combining them", () => {
    it("reads back what --save writes, and saves no run whose processes measured different code", () => {
        const saved = run([row(10, [1.05, 1.06, 1.07])]);
        assert.deepStrictEqual(parseSavedRun(JSON.stringify(saved), "e.json"), saved);
        assert.strictEqual(saved.machine.node, process.version);
        assert.throws(() => run([row(10, [1.05]), row(100, [1.05], "sha256:fedcba9876543210")]), /measured different code .*files changed during the run/);
    });

    it("refuses a file that is not a saved run, naming what is wrong", () => {
        const saved = () => run([row(10, [1.05])]);
        const withProcess = (change: object) => ({ ...saved(), rows: [{ ...row(10, []), processes: [{ ...measuredProcess(1.05), ...change }] }] });
        const figures = measuredProcess(1.05).figures;
        const broken: [unknown, RegExp][] = [
            [null, /its format is undefined, not 1/],
            [{ ...saved(), format: 2 }, /its format is 2, not 1/],
            [{ ...saved(), machine: { node: "v20" } }, /machine is incomplete/],
            [{ ...saved(), rows: [] }, /it has no rows/],
            [{ ...saved(), rows: [null] }, /row undefined, undefined undefined lacks its scenario/],
            [{ ...saved(), startUp: { ...saved().startUp, typeCheckingNodeArgs: undefined } }, /startUp is incomplete/],
            [{ ...saved(), rows: [row(10, [])] }, /row waypoint, 10 outside has no processes/],
            [{ ...saved(), rows: [row(10, [1.05]), row(100, [1.06]), row(10, [1.07])] }, /row waypoint, 10 outside is there twice/],
            [withProcess({ componentToDirectByRound: [] }), /a process without its rounds/],
            [withProcess({ componentToDirectByRound: [1.05, 0] }), /a process without its rounds/],
            [withProcess({ rounds: 29 }), /a process without its rounds/],
            [withProcess({ measuredCode: undefined }), /a process without measuredCode/],
            [withProcess({ componentToBare: undefined }), /a process without componentToBare/],
            [withProcess({ figures: { ...figures, bare: { ...figures.bare, gcMs: undefined } } }), /a process without its figures/],
            [withProcess({ figures: { ...figures, direct: { ...figures.direct, wallMs: 0 } } }), /a process without its figures/],
        ];
        for (const [value, message] of broken) assert.throws(() => parseSavedRun(JSON.stringify(value), "e.json"), message);
        assert.throws(() => parseSavedRun("{", "e.json"), /e.json is not a saved benchmark run: not JSON/);
    });

    it("puts each row's processes from every run together, in run order, keeps each run's apart, and leaves the runs as they were", () => {
        const runs = [
            { source: "e", run: run([row(10, [1.01, 1.02]), row(100, [1.03])], 2500, 5000) },
            { source: "f", run: run([row(10, [1.04]), row(30, [1.05])], 2700, 9000) },
            { source: "g", run: run([row(10, [1.06])], 2600, 6500) },
        ];
        const before = JSON.stringify(runs);
        const combined = combineRuns(runs);
        const rounded = (values: number[]) => values.map((m) => Number(m.toFixed(2)));
        assert.deepStrictEqual(combined.rows.map((r) => [r.destinations, rounded(processMedians(r.processes))]),
            [[10, [1.01, 1.02, 1.04, 1.06]], [100, [1.03]], [30, [1.05]]]);
        assert.deepStrictEqual(combined.runsOf(combined.rows[0]).map(({ source, processes }) => [source, rounded(processMedians(processes))]),
            [["e", [1.01, 1.02]], ["f", [1.04]], ["g", [1.06]]]);
        assert.strictEqual(JSON.stringify(runs), before);
        // Each run's ratio, then their median (0.5, 0.3, 0.4), not one run's time over another's.
        assert.strictEqual(combined.startUpRatio, 0.4);
        assert.deepStrictEqual([combined.startUp.configuredMs, combined.startUp.typeCheckingMs], [2600, 6500]);
        assert.deepStrictEqual([combined.measuredCode, combined.node], [CODE, process.version]);
    });

    it("refuses runs of different code, under different Node.js, or started differently, and no runs at all", () => {
        const other = run([row(10, [1.0], "sha256:fedcba9876543210")]);
        assert.throws(() => combineRuns([{ source: "e", run: run([row(10, [1.0])]) }, { source: "f", run: other }]),
            /measured different code.*e: sha256:0123456789abcdef; f: sha256:fedcba9876543210/);
        const olderNode = run([row(10, [1.0])]);
        olderNode.machine = { ...olderNode.machine, node: "v18.0.0" };
        assert.throws(() => combineRuns([{ source: "e", run: run([row(10, [1.0])]) }, { source: "f", run: olderNode }]), /different Node.js versions/);
        const typeChecked = run([row(10, [1.0])]);
        typeChecked.startUp = { ...typeChecked.startUp, configuredNodeArgs: ["--require", "ts-node/register"] };
        assert.throws(() => combineRuns([{ source: "e", run: run([row(10, [1.0])]) }, { source: "f", run: typeChecked }]), /start-up with different nodeargs/);
        assert.throws(() => combineRuns([]), /at least one saved run/);
        const once = run([row(10, [1.0])]);
        assert.throws(() => combineRuns([{ source: "e", run: once }, { source: "copy of e", run: JSON.parse(JSON.stringify(once)) }]),
            /copy of e is the same run as e: its processes would count twice/);
    });

    it("judges processes, not rounds: processes that disagree leave a row unresolved that their pooled rounds would call met", () => {
        // Six processes, each tight around its own level: as 180 rounds, the median's interval is narrow and under the
        // target; as six processes, it spans their spread, which reaches past 1.10.
        const levels = [1.04, 1.05, 1.06, 1.07, 1.08, 1.13];
        const processes = row(10, levels).processes;
        assert.strictEqual(judgeMedian(pooled(processes).componentToDirectByRound, 1.1, 0.9).verdict, "met");
        const byProcess = judgeMedian(processMedians(processes), 1.1, 0.9);
        assert.strictEqual(byProcess.verdict, "unresolved");
        assert.deepStrictEqual([byProcess.interval!.low, byProcess.interval!.high].map((v) => Number(v.toFixed(3))), [1.04, 1.13]);
    });
});

describe("benchmark saved runs: npm run bench -- --judge", () => {
    let directory: string;
    before(() => { directory = mkdtempSync(path.join(os.tmpdir(), "saved-runs-")); });
    after(() => rmSync(directory, { recursive: true, force: true }));

    /** `npm run bench -- --judge` on runs with these processes' levels, each run's N = 100 row `growth` × its N = 10 row. */
    function judge(runLevels: number[][], growth: number): string {
        const files = runLevels.map((levels, i) => {
            const file = path.join(directory, `run-${i}.json`);
            writeFileSync(file, JSON.stringify(run([row(10, levels), row(100, levels.map((level) => level * growth))])));
            return file;
        });
        // The settings for measuring, exported for a session of runs, do not stop --judge; ts-node's would change how it loads.
        const env = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("TS_NODE_"))), BENCH_PRECISE: "1", BENCH_PER_TYPE: "1" };
        const result = spawnSync(process.execPath, ["--require", "ts-node/register/transpile-only", "test/bench/main.ts", "--judge", ...files], { cwd: REPO_ROOT, encoding: "utf8", env });
        assert.strictEqual(result.status, 0, result.stderr);
        return result.stdout;
    }

    it("reports the runs it judged, each row's processes, verdict and runs' medians, and flatness from six processes a row", () => {
        // Medians of the six processes: 1.05 at N = 10 (the runs' own 1.03 and 1.07), 1.386 at N = 100 (1.36 and 1.41).
        const report = judge([[1.02, 1.03, 1.06], [1.04, 1.07, 1.08]], 1.32);
        assert.match(report, new RegExp(`Runs \\(all measured code ${CODE}, Node.js ${process.version}\\)`));
        assert.match(report, /run-0\.json: .*--precise, 3 processes per row/);
        assert.match(report, /Each process's median of rounds is one value/);
        assert.match(report, /\| waypoint \| 10 outside \| 1\.05× \| 1\.02–1\.08 \| met \| 6 \| 1\.26× \| 1\.03, 1\.07 \|/);
        assert.match(report, /\| waypoint \| 100 outside \| 1\.39× \| 1\.35–1\.43 \| MISSED \| 6 \| 1\.66× \| 1\.36, 1\.41 \|/);
        assert.match(report, /- MISSED: waypoint, outside: component ÷ direct at N=100 is 1\.32× that at N=10 \(interval 1\.25–1\.40;/);
        assert.match(report, /Evaluation and flatness: 1 met, 2 missed, 0 unresolved of 3\./);
        assert.match(report, /configured start-up is 0\.37× ts-node/);
    });

    it("takes each run as one value from five runs a row, and judges flatness run by run", () => {
        const report = judge([[1.01, 1.02, 1.03], [1.07, 1.08, 1.09], [1.03, 1.04, 1.05], [1.05, 1.06, 1.07], [1.0, 1.01, 1.02]], 1.05);
        assert.match(report, /Each run is one value, its median of its processes' medians/);
        assert.match(report, /\| waypoint \| 10 outside \| 1\.04× \| 1\.01–1\.08 \| met \| 5 \| 1\.25× \| 1\.02, 1\.08, 1\.04, 1\.06, 1\.01 \|/);
        // At N = 100 the runs' medians, 1.05 × theirs at N = 10, run from 1.06 to 1.13: across the target.
        assert.match(report, /\| waypoint \| 100 outside \| 1\.09× \| 1\.06–1\.13 \| unresolved \| 5 \|/);
        assert.match(report, /- met: waypoint, outside: component ÷ direct at N=100 is 1\.05× that at N=10 \(interval 1\.05–1\.05;/);
        assert.match(report, /Unresolved: .*\(fewer than 5 in a row; flatness needs 5 runs with both of its rows\)\. More saved runs of the same code, on other machines, narrow the intervals\./);
    });
});
