// Runs Prometheus' own promtool on the rendered rules: `promtool check rules` and `promtool test
// rules` with unit tests generated from cases.ts. Debian's `prometheus` package provides it
// (.ci/run installs it). Missing promtool fails the tests under CI and skips them elsewhere.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import type { PrometheusRuleManifest } from "../../../components/features/monitoring/rules";
import type { AlertCase } from "./cases";

export function findPromtool(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "promtool");
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

export interface Run {
  status: number | null;
  output: string;
}

export function promtool(bin: string, args: string[], cwd: string): Run {
  const r = spawnSync(bin, args, { cwd, encoding: "utf8", timeout: 60000 });
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

/** The rule file promtool reads: exactly the PrometheusRule's spec. */
export function ruleFile(rule: PrometheusRuleManifest): string {
  return YAML.stringify(rule.spec, { lineWidth: 0 });
}

/**
 * A promtool unit-test file: one test group per case (its own series), each evaluating its alert
 * at one time. Expected alerts carry the rule's static labels and every annotation, runbook URL
 * included, so a template that renders wrong fails as surely as an expression that matches wrong.
 */
export function unitTestFile(ruleFileName: string, rule: PrometheusRuleManifest, cases: readonly AlertCase[]): string {
  const rules = new Map(rule.spec.groups.flatMap((g) => g.rules.map((r) => [r.alert, r] as const)));
  const tests = cases.map((c) => {
    const r = rules.get(c.alert);
    if (r === undefined) {
      throw new Error(`case "${c.name}": no rule ${c.alert} in the rendered rules`);
    }
    return {
      interval: "1m",
      name: `${c.alert}: ${c.name}`,
      input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
      alert_rule_test: [
        {
          eval_time: c.at,
          alertname: c.alert,
          exp_alerts: c.fires.map((f) => ({
            exp_labels: { ...r.labels, ...f.labels },
            exp_annotations: { summary: f.summary, description: f.description, runbook_url: r.annotations.runbook_url },
          })),
        },
      ],
    };
  });
  return YAML.stringify({ rule_files: [ruleFileName], evaluation_interval: "1m", tests }, { lineWidth: 0 });
}
