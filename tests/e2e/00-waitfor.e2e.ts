// The component's pulumi.com/waitFor expressions (workload/statefulset.ts rolloutWaitFor) through
// the real provider's JSONPath code (pkg/jsonpath of pulumi-kubernetes 4.25, run by the
// e2e/tools `waitfor` program): each must parse, and match the StatefulSet states exactly where
// the lifecycle model's reading of them (tests/lifecycle/jsonpath.ts) says it does.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { rolloutWaitFor } from "../../components/workload/statefulset";
import { parseWaitFor, waitForSatisfied } from "../lifecycle/jsonpath";
import { e2e } from "./context";

interface Answer {
  expression: string;
  parseError?: string;
  matched?: boolean[];
  matchError?: string;
}

/** A StatefulSet as the API server returns it (counts of 0 left out). */
function sts(spec: number, replicas: number, ready: number, updated: number, current: string, update: string): Record<string, unknown> {
  const omit = (n: number) => (n === 0 ? undefined : n);
  return JSON.parse(
    JSON.stringify({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "x", generation: 2 },
      spec: { replicas: spec },
      status: { observedGeneration: 2, replicas, readyReplicas: omit(ready), updatedReplicas: omit(updated), currentRevision: current, updateRevision: update },
    }),
  );
}

/** Every state a roll-out of `n` pods passes through, and a few it should not accept. */
function states(n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let updated = 0; updated <= n; updated++) {
    for (const ready of [n - 1, n]) {
      // Rolling (the revisions differ), and, once every pod is updated, done (they are equal).
      out.push(sts(n, n, Math.max(ready, 0), updated, "a", "b"));
      if (updated === n) {
        out.push(sts(n, n, Math.max(ready, 0), updated, "b", "b"));
      }
    }
  }
  out.push(sts(n, n - 1, n - 1, n - 1, "a", "a"), sts(n, n, n, n, "a", "a"), sts(n + 1, n, n, n, "a", "a"));
  return out;
}

describe("waitFor expressions under the real provider's JSONPath", function () {
  it("parse, and match exactly the states the lifecycle model matches", () => {
    const shapes: Array<[number, number, number | undefined]> = [
      [1, 0, undefined], [3, 0, undefined], [5, 0, undefined], [7, 0, undefined],
      [1, 1, undefined], [3, 1, undefined], [3, 2, undefined], [3, 3, undefined], [5, 3, undefined],
      [3, 0, 9], [3, 2, 9], [5, 3, 9],
    ];
    const checks = shapes.map(([r, p, max]) => {
      const expression = rolloutWaitFor(r, p, max);
      const objects = [...states(r), ...(max === undefined ? [] : states(Math.min(r + 2, max)))];
      return { expression, objects };
    });
    const out = execFileSync(e2e().tools.bin("waitfor"), { input: JSON.stringify(checks), encoding: "utf8" });
    const answers = JSON.parse(out) as Answer[];
    let compared = 0;
    for (const [i, a] of answers.entries()) {
      assert.equal(a.parseError, undefined, `the provider parses ${a.expression}`);
      assert.equal(a.matchError, undefined, `the provider evaluates ${a.expression}`);
      const model = checks[i].objects.map((o) => waitForSatisfied(parseWaitFor(a.expression), o));
      assert.deepEqual(a.matched, model, `the provider and the model agree on ${a.expression}`);
      compared += model.length;
    }
    e2e().report.add("waitFor expressions", `- ${answers.length} expressions parsed by the provider's JSONPath; ${compared} (expression, state) pairs matched as the lifecycle model matches them`);
  });

  it("the provider refuses what the old expressions had: a second `&&` after a space", () => {
    const out = execFileSync(e2e().tools.bin("waitfor"), { input: JSON.stringify([{ expression: "jsonpath={$[?@.replicas==3 && @.readyReplicas==3 && @.updatedReplicas==3]}", objects: [] }]), encoding: "utf8" });
    const [a] = JSON.parse(out) as Answer[];
    assert.match(a.parseError ?? "", /unexpected '&'/);
    e2e().report.add("waitFor expressions", `- the spaced form the component used before: \`${a.parseError}\``);
  });
});
