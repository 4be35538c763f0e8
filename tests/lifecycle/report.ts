// The table users read: one row per scenario and shape.
import type { Outcome } from "./scenarios";

export function formatTable(rows: Outcome[]): string {
  const header = ["shape", "scenario", "result", "time-to-ready (s)", "bound (s)", "Raft clusters", "majority", "crashes", "pulumi"];
  const body = rows.map((o) => [
    o.shape,
    o.scenario,
    o.converged ? ((o.seconds as number) <= o.bound ? "ok" : "SLOW") : "NO CONVERGENCE",
    o.seconds === undefined ? "-" : o.seconds.toFixed(1),
    String(o.bound),
    o.bootstraps === o.clusterIdsOnVolumes ? String(o.bootstraps) : `${o.bootstraps} (${o.clusterIdsOnVolumes} on volumes)`,
    o.majority,
    String(o.crashes),
    (o.pulumi ?? "").slice(0, 60),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
