// Run as its own process (a fresh module cache): constructs a RobustMQCluster from the JSON args in
// argv[2] under the stock mocks of Pulumi's unit-testing guide, then prints, as JSON, which of the
// packages a feature may need were loaded, or the error the construction threw.
import * as pulumi from "@pulumi/pulumi";

const WATCHED = ["@grafana/grafana-foundation-sdk", "@pulumi/docker-build", "@pulumi/random"];

async function main(): Promise<void> {
  await pulumi.runtime.setMocks({
    newResource: (args: pulumi.runtime.MockResourceArgs) => ({ id: args.inputs.name + "_id", state: args.inputs }),
    call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RobustMQCluster } = require(process.argv[3] ?? "../../components");
  let error: string | undefined;
  try {
    new RobustMQCluster("mq", JSON.parse(process.argv[2]));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
  } catch (e) {
    error = (e as Error).message;
  }
  const loaded = WATCHED.filter((pkg) => Object.keys(require.cache).some((f) => f.includes(`/node_modules/${pkg}/`)));
  process.stdout.write(JSON.stringify({ loaded, error }));
}

void main();
