// The lifecycle model's figures as docs/HOW-IT-WORKS.md quotes them, made from the outcomes of the
// run itself: the test holds the doc's block equal to this, so a figure in the doc is one the
// model printed. `RMQ_WRITE_DOCS=1 npm test` rewrites the block after a change of the model.
import * as fs from "fs";
import * as path from "path";
import type { Outcome } from "./scenarios";

export const DOC = path.join(__dirname, "..", "..", "docs", "HOW-IT-WORKS.md");
export const BEGIN = "<!-- lifecycle figures: written from tests/lifecycle (RMQ_WRITE_DOCS=1 npm test) -->";
export const END = "<!-- end of lifecycle figures -->";

const COLUMNS: [string, string][] = [
  ["dev", "stack:dev"],
  ["staging", "stack:staging"],
  ["prod", "stack:prod"],
  ["combined-3", "combined-3"],
  ["split-3/1/2", "split-3/1/2"],
];

/** Seconds as the doc shows them: whole seconds, rounded up (a pod Ready at 56.5 s is not Ready at 56). */
const s = (o: Outcome | undefined) => (o?.seconds === undefined ? "" : String(Math.ceil(o.seconds)));

function find(rows: readonly Outcome[], shape: string, scenario: string): Outcome | undefined {
  return rows.find((o) => o.shape === shape && o.scenario === scenario);
}

/** meta / engine / broker of a split shape, or the combined tier's one figure. */
function perTier(rows: readonly Outcome[], shape: string, scenario: string): string {
  const combined = find(rows, shape, `${scenario} [combined]`);
  if (combined !== undefined) return s(combined);
  return ["meta", "engine", "broker"].map((t) => s(find(rows, shape, `${scenario} [${t}]`))).join(" / ");
}

export function lifecycleFigures(rows: readonly Outcome[], sweepMax: ReadonlyMap<string, number>): string {
  const line = (label: string, cell: (shape: string) => string) => `| ${label} | ${COLUMNS.map(([, shape]) => cell(shape)).join(" | ")} |`;
  const sweeps = COLUMNS.map(([label, shape]) => `${label} ${Math.ceil(sweepMax.get(shape) ?? NaN)} s`).join(", ");
  const staging = (tier: string, p: string) =>
    `${tier} (${p}) ${["canary", "widened, partition 0", "rolled back after widening"].map((step) => s(find(rows, "stack:staging", step === "canary" ? `canary [${tier}, partition ${p}]` : `canary [${tier}] ${step}`))).join(" / ")}`;
  const prod = (scenario: string) => s(find(rows, "stack:prod", scenario));
  return [
    BEGIN,
    `| scenario | ${COLUMNS.map(([label]) => label).join(" | ")} |`,
    `|---|${COLUMNS.map(() => "---").join("|")}|`,
    line("create from empty volumes", (shape) => s(find(rows, shape, "create"))),
    line("cold restart (every pod at once)", (shape) => s(find(rows, shape, "cold restart"))),
    line("rolling update: meta (or combined) / engine / broker", (shape) => perTier(rows, shape, "rolling update")),
    line("scale-out: meta +2 / engine / broker (prod: the autoscaler's floor raised)", (shape) => perTier(rows, shape, "scale-out")),
    line("loss of pod 0: meta / engine / broker", (shape) => perTier(rows, shape, "pod loss")),
    line("engine-role pods down 60 s", (shape) => s(find(rows, shape, "engine outage 60s"))),
    line("loss of a zone (pods bound there stay Pending)", (shape) => s(find(rows, shape, "zone loss"))),
    "",
    `Creation over 100 timing seeds, the slowest: ${sweeps}.`,
    `Staging canaries, canary / widened / rolled back after widening: ${staging("meta", "2 of 3")}; ${staging("engine", "2 of 3")}; ${staging("broker", "1 of 2")}.`,
    `Prod broker autoscaling: 3 to 8 brokers under load in ${prod("autoscaler scale-out [broker 3 -> 8]")} s; a refreshed \`pulumi up\` of the unchanged program ${prod("pulumi up --refresh, program unchanged")} s; an \`up\` rolling the broker template at 8 pods ${prod("pulumi up, broker template changed at 8 pods")} s; back to 3 brokers when the load drops in ${prod("autoscaler scale-in [broker 8 -> 3]")} s.`,
    END,
  ].join("\n");
}

/** The block the doc holds now (undefined: no markers). */
export function docBlock(): string | undefined {
  const text = fs.readFileSync(DOC, "utf8");
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  return a < 0 || b < a ? undefined : text.slice(a, b + END.length);
}

export function writeDocBlock(block: string): void {
  const text = fs.readFileSync(DOC, "utf8");
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  fs.writeFileSync(DOC, text.slice(0, a) + block + text.slice(b + END.length));
}
