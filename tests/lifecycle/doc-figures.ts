// The lifecycle model's figures as docs/HOW-IT-WORKS.md and docs/BACKUP.md quote them, made from the
// outcomes of the run itself: the test holds each doc's block equal to this, so a figure in a doc
// is one the model printed. `RMQ_WRITE_DOCS=1 npm test` rewrites the blocks after a change of the model.
import * as fs from "fs";
import * as path from "path";
import type { Outcome } from "./scenarios";
import { MemberOutcome, MIXED_OFFSETS, OUTAGE_SECONDS, RESTORE_SCENARIOS, RestoreOutcome, RPO_SCHEDULE, UNSYNCED_LAG_MAX, WRITES_PER_SECOND } from "./scenarios-restore";

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

/** A doc and the markers around the block of figures it quotes. */
export interface DocTarget {
  doc: string;
  begin: string;
  end: string;
}

export const HOW_IT_WORKS: DocTarget = { doc: DOC, begin: BEGIN, end: END };

export const BACKUP: DocTarget = {
  doc: path.join(__dirname, "..", "..", "docs", "BACKUP.md"),
  begin: "<!-- restore figures: written from tests/lifecycle (RMQ_WRITE_DOCS=1 npm test) -->",
  end: "<!-- end of restore figures -->",
};

export function restoreFigures(rows: readonly Outcome[]): string {
  const R = RESTORE_SCENARIOS;
  const line = (label: string, cell: (shape: string) => string) => `| ${label} | ${COLUMNS.map(([, shape]) => cell(shape)).join(" | ")} |`;
  const restore = (shape: string, scenario: string) => find(rows, shape, scenario) as RestoreOutcome | undefined;
  const seconds = (scenario: string) => (shape: string) => {
    const o = find(rows, shape, scenario);
    return o === undefined ? "" : o.converged ? s(o) : "never";
  };
  const leader = (scenario: string) => (shape: string) => {
    const f = restore(shape, scenario)?.restore;
    return f?.winner === undefined ? "" : `${f.winner.rank} / ${f.lostSeconds}`;
  };
  const member = (scenario: string) => (shape: string) => {
    const o = find(rows, shape, scenario) as MemberOutcome | undefined;
    return o === undefined ? "" : `${o.converged ? s(o) : "never"} / ${o.headDrop}`;
  };
  const ours = rows.filter((o) => Object.values(R).includes(o.scenario));
  const clusters = Math.max(...ours.map((o) => Math.max(o.bootstraps, o.clusterIdsOnVolumes)));
  const bootstrapsAfter = ours.reduce((n, o) => n + ((o as RestoreOutcome).restore?.bootstrapsAfter ?? 0), 0);
  const { every, duration, lag } = RPO_SCHEDULE;
  return [
    BACKUP.begin,
    `| scenario | ${COLUMNS.map(([label]) => label).join(" | ")} |`,
    `|---|${COLUMNS.map(() => "---").join("|")}|`,
    line("one snapshot set, restored: seconds from `pulumi up` to every pod Ready", seconds(R.oneSet)),
    line("&nbsp;&nbsp;the leader's restored log / writes lost (s)", leader(R.oneSet)),
    line(`snapshots of mixed ages (meta pods taken ${MIXED_OFFSETS.join(", ")} s after pod 0): seconds`, seconds(R.mixed)),
    line("&nbsp;&nbsp;the leader's restored log / writes lost (s)", leader(R.mixed)),
    line("one meta member lost (pod 0, the leader), its claim restored from a snapshot 60 s old: seconds / committed entries lost", member(R.memberRestored)),
    line("one meta member lost (pod 0, the leader), leave, wipe, rejoin: seconds / committed entries lost", member(R.memberRejoined)),
    line(`the same amid an outage (pod 1 lost while the leader is down ${OUTAGE_SECONDS} s and a minority of members 60 s behind), restored: seconds / committed entries lost`, member(R.memberRestoredOutage)),
    line("the same amid the outage, leave (once there is a leader), wipe, rejoin: seconds / committed entries lost", member(R.memberRejoinedOutage)),
    line("no marker on any meta volume, Raft state kept: seconds", seconds(R.noMarker)),
    line("no marker on meta pod 0 only: seconds", seconds(R.noMarkerPod0)),
    line("&nbsp;&nbsp;the leader's restored log / writes lost (s)", leader(R.noMarkerPod0)),
    line(`RPO: a set every ${every} s taking ${duration} s, lost just before the next completes: seconds`, seconds(R.rpo)),
    line("&nbsp;&nbsp;the leader's restored log / writes lost (s)", leader(R.rpo)),
    "",
    `Raft clusters over each scenario's whole history, and cluster ids on its volumes: at most ${clusters}; Raft bootstraps after a restore began: ${bootstrapsAfter}.`,
    `Load: ${WRITES_PER_SECOND} Raft entry a second. Each online snapshot misses the entries of its last 0 to ${UNSYNCED_LAG_MAX} s (seeded per volume), ${lag} s in the RPO rows; the RPO bound is S + D + L = ${every} + ${duration} + ${lag} = ${every + duration + lag} s.`,
    BACKUP.end,
  ].join("\n");
}

/** The block the doc holds now (undefined: no markers). */
export function docBlock(target: DocTarget = HOW_IT_WORKS): string | undefined {
  const text = fs.readFileSync(target.doc, "utf8");
  const a = text.indexOf(target.begin);
  const b = text.indexOf(target.end);
  return a < 0 || b < a ? undefined : text.slice(a, b + target.end.length);
}

export function writeDocBlock(block: string, target: DocTarget = HOW_IT_WORKS): void {
  const text = fs.readFileSync(target.doc, "utf8");
  const a = text.indexOf(target.begin);
  const b = text.indexOf(target.end);
  if (a < 0 || b < a) {
    throw new Error(`${target.doc} has no block between "${target.begin}" and "${target.end}"`);
  }
  fs.writeFileSync(target.doc, text.slice(0, a) + block + text.slice(b + target.end.length));
}
