// The routine changes of the preview-noise test (tests/preview/scenarios.ts, the 13 "listed" ones)
// applied for real to the protected prod stack: each change's `pulumi preview --diff` against what
// the preview-noise model predicts for the very same configs (the objects updated, replaced,
// created, deleted), and the pods its `up` rolls against the model's restart count.
import { strict as assert } from "assert";
import type { RobustMQClusterArgs } from "../../components";
import { withLiveReplicas } from "../preview/harness";
import { CHANGES, Change, Side } from "../preview/scenarios";
import { deployedStack, e2e } from "./context";
import { changes, E2EStack } from "./harness/pulumi";
import { describeActions, modelSnapshot, predict, realActions } from "./model";
import { e2eStackConfig, programWith, SECRETS, stackProgram } from "./stacks";

const NAMESPACE = "robustmq";
const STALE = "Provider outputs that lag an update (pulumi-kubernetes 4.25)";
const identityArgs = (a: RobustMQClusterArgs) => a;

/** spec.replicas of the StatefulSets an autoscaler targets, live. */
async function liveAutoscaledReplicas(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const hpa of await e2e().cp.kubectl.list("horizontalpodautoscalers", NAMESPACE)) {
    const name = hpa.spec.scaleTargetRef.name;
    out[name] = (await e2e().cp.kubectl.get("statefulset", name, NAMESPACE)).spec.replicas;
  }
  return out;
}

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

/**
 * Brings the stack to a change's starting point. Going back there can mean deleting objects the
 * protected stack refuses to delete (the network policy's): as a user would, unprotect exactly
 * those first.
 */
async function apply(stack: E2EStack, s: Applied): Promise<void> {
  await stack.configure(s.config, s.secrets);
  const program = s.mutate === identityArgs ? stackProgram : programWith(s.mutate);
  const preview = await stack.previewOrError(program);
  if ("error" in preview) {
    // The engine names each protected resource it would delete, with the command to unprotect it.
    const urns = [...preview.error.matchAll(/pulumi state unprotect '([^']+)'/g)].map((m) => m[1]);
    assert.ok(urns.length > 0, preview.error);
    for (const urn of new Set(urns)) {
      await stack.cli(["state", "unprotect", urn, "--yes"]);
    }
  }
  await stack.up(program);
}

/**
 * The preview after an `up` plans nothing, or only what a refresh clears: provider 4.25 can record
 * the object it saw before its own update (its await returns the informer's copy when the object
 * already meets its condition), so after a metadata-only change some objects' state lags the live
 * ones. Returns the objects that needed the refresh.
 */
async function settled(stack: E2EStack, program: ReturnType<typeof programWith>): Promise<string[]> {
  const again = changes((await stack.preview(program)).steps);
  if (again.length === 0) {
    return [];
  }
  assert.deepEqual([...new Set(again.map((s) => s.op))], ["update"], "only updates may be planned again");
  await stack.refresh();
  const after = changes((await stack.preview(program)).steps);
  assert.deepEqual(after.map((s) => `${s.op} ${s.urn}`), [], "nothing planned after a refresh");
  return again.map((s) => `${s.type.split(":").pop()}/${s.name}`);
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
      // The count the autoscaler keeps (an earlier change raised its floor; it scales in only after
      // its stabilization window): the model's before is what a refresh would record.
      const live = await liveAutoscaledReplicas();
      const modelBefore = withLiveReplicas(await modelSnapshot("prod", before.config, before.secrets, before.mutate), live);
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
      // And the change leaves nothing behind: the next preview plans nothing (or only what the
      // provider's stale outputs make it plan, which a refresh clears).
      const stale = await settled(stack, program);
      if (stale.length > 0) {
        e2e().report.add(STALE, `- ${change.name}: the next preview planned ${stale.length} update(s) of objects already as declared (${stale.join(", ")}); \`pulumi refresh\` cleared them`);
      }
    });
  }

  after(async () => {
    // Back to the base for what follows (the growth stays: the claims cannot shrink).
    const stack = deployedStack("prod");
    await apply(stack, sideOf({ edit: (c) => (c.engineStorageSize = "300Gi") } as Side));
  });
});

export type { Change };
