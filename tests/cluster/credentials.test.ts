import { strict as assert } from "assert";
import { RobustMQCluster, RobustMQClusterArgs } from "../../components";
import { runWithMocks } from "../../offline/mock-runtime";

const STS = "kubernetes:apps/v1:StatefulSet";
const BASE: RobustMQClusterArgs = {
  topology: "split",
  adminPassword: "admin-password-0001",
  jwtSecret: "jwt-secret-0001-jwt-secret-0001-jwt",
  mqttUsername: "devices",
  mqttPassword: "mqtt-password-0001",
};

/** Pod template annotations per StatefulSet: a change there restarts the tier's pods. */
async function templates(args: RobustMQClusterArgs): Promise<Record<string, string>> {
  const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", args));
  return Object.fromEntries(
    resources.filter((r) => r.type === STS).map((s) => [s.name, JSON.stringify(s.inputs.spec.template)]),
  );
}

describe("credentials: what a change restarts", () => {
  let before: Record<string, string>;
  beforeEach(async () => {
    before = await templates(BASE);
  });

  for (const field of ["adminPassword", "jwtSecret"] as const) {
    it(`restarts every tier when ${field} rotates (RobustMQ reads it from its config, loaded at start)`, async () => {
      const after = await templates({ ...BASE, [field]: `${BASE[field]}-rotated` });
      for (const name of Object.keys(before)) {
        assert.notEqual(after[name], before[name], name);
      }
    });
  }

  for (const field of ["mqttUsername", "mqttPassword"] as const) {
    it(`restarts nothing when ${field} changes (it only seeds the superuser on the cluster's first start)`, async () => {
      const after = await templates({ ...BASE, [field]: `${BASE[field]}-changed` });
      assert.deepEqual(after, before);
    });
  }
});
