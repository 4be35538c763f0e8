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
    it(`restarts the tiers serving the admin API, and only them, when ${field} rotates (RobustMQ reads it from its config, loaded at start)`, async () => {
      for (const topology of ["split", "combined"] as const) {
        const base = await templates({ ...BASE, topology });
        const after = await templates({ ...BASE, topology, [field]: `${BASE[field]}-rotated` });
        const changed = Object.keys(base).filter((name) => after[name] !== base[name]);
        assert.deepEqual(changed, topology === "split" ? ["rmq-broker"] : ["rmq-combined"]);
      }
    });
  }

  it("gives the tiers not serving the admin API private admin credentials, and routes the admin Service to the others", async () => {
    const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", BASE));
    const secret = resources.find((r) => r.type === "kubernetes:core/v1:Secret")!;
    const keyOf = (sts: string, env: string) =>
      resources
        .find((r) => r.name === sts)!
        .inputs.spec.template.spec.containers[0].env.find((e: any) => e.name === env).valueFrom.secretKeyRef.key;
    for (const [env, key] of [["ROBUST_MQ_SERVER_ADMIN_PASSWORD", "admin-password"], ["ROBUST_MQ_SERVER_ADMIN_JWT_SECRET", "jwt-secret"]]) {
      assert.equal(keyOf("rmq-broker", env), `${key}.toml`);
      for (const sts of ["rmq-meta", "rmq-engine"]) {
        assert.equal(keyOf(sts, env), `internal-${key}.toml`, `${sts} ${env}`);
      }
      // stringData and data are each one secret value under mocks; the private values are in data
      // (base64), where the Secret's ignoreChanges can keep the stored ones.
      const stringData = secret.inputs.stringData.value ?? secret.inputs.stringData;
      const data = secret.inputs.data.value ?? secret.inputs.data;
      const internal = Buffer.from(data[`internal-${key}.toml`], "base64").toString();
      assert.ok(internal.length > 20, "a generated value");
      assert.notEqual(internal, stringData[`${key}.toml`]);
      assert.equal(stringData[`internal-${key}.toml`], undefined);
      assert.equal(data[`internal-${key}`] ?? stringData[`internal-${key}`], undefined, "no plain copy of a value only RobustMQ reads");
      assert.deepEqual(resources.find((r) => r.type === "kubernetes:core/v1:Secret")!.options.ignoreChanges.includes(`data["internal-${key}.toml"]`), true);
    }
    const admin = resources.find((r) => r.name === "rmq-admin")!;
    const brokerPodLabels = resources.find((r) => r.name === "rmq-broker")!.inputs.spec.template.metadata.labels;
    for (const sts of ["rmq-meta", "rmq-engine", "rmq-broker"]) {
      const labels = resources.find((r) => r.name === sts)!.inputs.spec.template.metadata.labels;
      const selected = Object.entries<string>(admin.inputs.spec.selector).every(([k, v]) => labels[k] === v);
      assert.equal(selected, labels === brokerPodLabels, sts);
    }
  });

  for (const field of ["mqttUsername", "mqttPassword"] as const) {
    it(`restarts nothing when ${field} changes (it only seeds the superuser on the cluster's first start)`, async () => {
      const after = await templates({ ...BASE, [field]: `${BASE[field]}-changed` });
      assert.deepEqual(after, before);
    });
  }
});
