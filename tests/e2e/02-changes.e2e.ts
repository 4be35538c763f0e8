// The routine changes of the preview-noise test (tests/preview/scenarios.ts, the 13 "listed" ones)
// applied for real to the protected prod stack: each change's `pulumi preview --diff` against what
// the preview-noise model predicts for the very same configs (the objects updated, replaced,
// created, deleted), and the pods its `up` rolls against the model's restart count.
import { strict as assert } from "assert";
import type { RobustMQClusterArgs } from "../../components";
import { CHANGES, Change, Side } from "../preview/scenarios";
import { deployedStack, e2e } from "./context";
import { changes, E2EStack } from "./harness/pulumi";
import { describeActions, modelSnapshot, predict, realActions } from "./model";
import { e2eStackConfig, programWith, SECRETS, stackProgram } from "./stacks";

const NAMESPACE = "robustmq";
const identityArgs = (a: RobustMQClusterArgs) => a;

/** Pod uid by name, per tier (the app.kubernetes.io/component label). */
async function podsByTier(): Promise<Record<string, Map<string, string>>> {
  const out: Record<string, Map<string, string>> = {};
  for (const p of await e2e().cp.kubectl.list("pods", NAMESPACE)) {
    const tier = p.metadata.labels?.["app.kubernetes.io/component"] ?? "?";
    (out[tier] ??= new Map()).set(p.metadata.name, p.metadata.uid);
  }
  return out;
}

/** Pods that existed before and after under the same name with another uid: restarted. */
function restartedByTier(before: Record<string, Map<string, string>>, after: Record<string, Map<string, string>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [tier, pods] of Object.entries(before)) {
    const n = [...pods.entries()].filter(([name, uid]) => after[tier]?.has(name) && after[tier].get(name) !== uid).length;
    if (n > 0) {
      out[tier] = n;
    }
  }
  return out;
}

const fmtRestarts = (r: Record<string, number>) =>
  Object.keys(r).length === 0
    ? "0"
    : Object.entries(r)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([t, n]) => `${t} ${n}`)
        .join(", ");

interface Applied {
  config: ReturnType<typeof e2eStackConfig>;
  secrets: Record<string, string>;
  mutate: (a: RobustMQClusterArgs) => RobustMQClusterArgs;
}

function sideOf(side: Side | undefined): Applied {
  return {
    config: e2eStackConfig("prod", side?.edit),
    secrets: { ...SECRETS, ...Object.fromEntries(Object.entries(side?.secrets ?? {}).map(([k, v]) => [`robustmq:${k}`, v])) },
    mutate: side?.args ?? identityArgs,
  };
}

async function apply(stack: E2EStack, s: Applied): Promise<void> {
  await stack.configure(s.config, s.secrets);
  await stack.up(s.mutate === identityArgs ? stackProgram : programWith(s.mutate));
}

// The base is the prod stack file; growth is applied last, since a return to the smaller size
// would be a shrink the API server refuses.
const LISTED = [...CHANGES.filter((c) => c.listed && c.name !== "engine storage growth"), ...CHANGES.filter((c) => c.name === "engine storage growth")];

describe("prod: the 13 routine changes, for real, against the preview-noise model", function () {
  this.timeout(20 * 60 * 1000);
  const rows: string[][] = [];
  let total = { model: 0, real: 0 };

  after(() => {
    e2e().report.table(
      "Routine changes on prod (real preview and pods against the preview-noise model)",
      ["change", "model: plan", "real: preview", "model: restarts", "real: pods rolled"],
      rows,
    );
    e2e().report.add("Routine changes on prod (real preview and pods against the preview-noise model)", `Restarts over the ${rows.length} changes: model ${total.model}, real ${total.real}.`);
  });

  for (const change of LISTED) {
    it(`${change.name}: the real preview plans what the model plans, and the up rolls the pods the model counts`, async () => {
      const stack = deployedStack("prod");
      const before = sideOf(change.before);
      const after = sideOf(change.after);
      // The stack as the change starts from (the base, or the change's own "before").
      await apply(stack, before);
      const modelBefore = await modelSnapshot("prod", before.config, before.secrets, before.mutate);
      const modelAfter = await modelSnapshot("prod", after.config, after.secrets, after.mutate);
      const model = predict(modelBefore, modelAfter);

      await stack.configure(after.config, after.secrets);
      const program = after.mutate === identityArgs ? stackProgram : programWith(after.mutate);
      const preview = await stack.preview(program);
      const real = realActions(preview.steps);

      const podsBefore = await podsByTier();
      await stack.up(program);
      const rolled = restartedByTier(podsBefore, await podsByTier());
      const modelRolled = model.rolledByTier;
      total = { model: total.model + Object.values(modelRolled).reduce((a, b) => a + b, 0), real: total.real + Object.values(rolled).reduce((a, b) => a + b, 0) };
      rows.push([change.name, describeActions(model.actions), describeActions(real), fmtRestarts(modelRolled), fmtRestarts(rolled)]);

      assert.deepEqual(Object.fromEntries([...real.entries()].sort()), Object.fromEntries([...model.actions.entries()].sort()), "the real preview's steps are the model's");
      assert.deepEqual(model.refused, [], "the model expects nothing refused on the protected stack");
      assert.deepEqual(rolled, modelRolled, "the pods the real up rolled, per tier, are the model's restarts");
      // And the change leaves nothing behind: the next preview plans nothing.
      const again = await stack.preview(program);
      assert.deepEqual(changes(again.steps).map((s) => `${s.op} ${s.urn}`), []);
    });
  }

  after(async () => {
    // Back to the base for what follows (the growth stays: the claims cannot shrink).
    const stack = deployedStack("prod");
    await apply(stack, sideOf({ edit: (c) => (c.engineStorageSize = "300Gi") } as Side));
  });
});

export type { Change };
