import { Measurement } from "../bench/measurement";
import { SavedRow, savedRun, SavedRun } from "../bench/savedRuns";

// Saved benchmark runs made to order, for the tests of --save and --judge (test/benchSavedRuns.test.ts,
// test/benchEvidence.test.ts): processes whose rounds sit tightly around a chosen component ÷ direct.

export const CODE = "sha256:0123456789abcdef";

/** A process whose rounds sit tightly around `level`: 30 rounds from 0.98 to 1.02 × level, their median `level`. */
export function measuredProcess(level: number, code = CODE): Measurement {
    const rounds = Array.from({ length: 30 }, (_, i) => level * (0.98 + (0.04 * i) / 29));
    const figures = (wallMs: number, evaluations: number) => ({ resources: 33, wallMs, gcMs: wallMs / 5, evaluations });
    return {
        figures: { component: figures(110 * level, 30), direct: figures(110, 30), bare: figures(100, 3) },
        componentToBare: 1.2 * level,
        componentToDirectByRound: rounds,
        rounds: rounds.length,
        measuredCode: code,
    };
}

/** A `waypoint` row at `destinations` outside destinations, a process per level. */
export const row = (destinations: number, levels: number[], code = CODE): SavedRow => ({
    scenario: "waypoint", kind: "outside", destinations, processes: levels.map((level) => measuredProcess(level, code)),
});

const START_UP = { configuredNodeArgs: ["--require", "ts-node/register/transpile-only"], typeCheckingNodeArgs: ["--require", "ts-node/register"] };

/** A `--precise` run of these rows, its start-up as given. */
export const run = (rows: SavedRow[], configuredMs = 2600, typeCheckingMs = 7000): SavedRun => savedRun("--precise", rows, { ...START_UP, configuredMs, typeCheckingMs });
