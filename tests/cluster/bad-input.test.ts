// Bad input as a new user (or another language's SDK, which sends plain JSON) would write it:
// every case is refused before anything is registered, names its field, says what is accepted,
// and an unknown name suggests the closest accepted one.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RobustMQArgsError, RobustMQCluster } from "../../components";
import { checkedImage } from "../../components/cluster/resolve";
import { runWithMocks } from "../../offline/mock-runtime";

/** The problems the component reports for `args`, and what got registered meanwhile. */
async function refuse(args: unknown): Promise<{ problems: string[]; registered: number }> {
  let registered = 0;
  let problems: string[] = [];
  const run = await runWithMocks(() => {
    try {
      new RobustMQCluster("rmq", args as never);
    } catch (e) {
      assert.ok(e instanceof RobustMQArgsError, `not a RobustMQArgsError: ${String(e)}`);
      problems = e.problems;
    }
  });
  registered = run.resources.length;
  return { problems, registered };
}

async function expectRefused(args: unknown, field: string, ...fragments: string[]): Promise<void> {
  const { problems, registered } = await refuse(args);
  assert.equal(registered, 0, "nothing may be registered");
  const hit = problems.find((p) => p.startsWith(`${field}:`) || p.startsWith(`${field} `));
  assert.ok(hit, `no problem for ${field}; got:\n${problems.join("\n")}`);
  for (const f of fragments) {
    assert.ok(hit.includes(f), `"${hit}" does not mention "${f}"`);
  }
}

describe("bad input: refused cleanly, before anything is registered", () => {
  it("tolerations: operator, effect and shape are checked", async () => {
    await expectRefused({ combined: { tolerations: [{ key: "a", operator: "Sometimes" }] } }, "combined.tolerations[0].operator", '"Equal", "Exists"', '"Sometimes"');
    await expectRefused({ combined: { tolerations: [{ key: "a", effect: "NoPanic" }] } }, "combined.tolerations[0].effect", '"NoSchedule"', '"NoPanic"');
    await expectRefused({ combined: { tolerations: "dedicated" } }, "combined.tolerations", "must be a list");
    await expectRefused({ combined: { tolerations: [{ key: "a", opertor: "Exists" }] } }, "combined.tolerations[0].opertor", 'did you mean "operator"');
    await expectRefused({ combined: { tolerations: [{ operator: "Exists", value: "x" }] } }, "combined.tolerations[0].value", "empty");
  });

  it("labels and node selectors: keys and values as Kubernetes takes them", async () => {
    await expectRefused({ labels: { team: "has space" } }, "labels.team", "not a valid label value");
    await expectRefused({ labels: { team: "x".repeat(64) } }, "labels.team", "at most 63");
    await expectRefused({ labels: { "bad key!": "v" } }, "labels", "not a valid label key");
    await expectRefused({ combined: { nodeSelector: { pool: "-edge" } } }, "combined.nodeSelector.pool", "not a valid label value");
  });

  it("unknown keys inside clientService, security and resources, with the closest accepted one", async () => {
    await expectRefused({ clientService: { typ: "LoadBalancer" } }, "clientService.typ", 'did you mean "type"', "accepted: type, annotations");
    await expectRefused({ security: { runAsUsr: 1000 } }, "security.runAsUsr", 'did you mean "runAsUser"');
    await expectRefused({ combined: { resources: { request: { cpu: "1" } } } }, "combined.resources.request", 'did you mean "requests"');
    await expectRefused({ combined: { resources: { requests: { cpus: "1" } } } }, "combined.resources.requests.cpus", 'did you mean "cpu"');
  });

  it("types: a boolean must be a boolean, an image a string, a list a list", async () => {
    await expectRefused({ clientService: { exposeMqttQuic: "yes" } }, "clientService.exposeMqttQuic", "true or false", '"yes"');
    await expectRefused({ image: 42 }, "image", "image reference", "42");
    await expectRefused({ imagePullSecrets: "regcred" }, "imagePullSecrets", "must be a list", '"regcred"');
    await expectRefused({ createNamespace: "no" }, "createNamespace", "true or false");
  });

  it("args that are not an object at all name the argument object", async () => {
    await expectRefused(null, "args", "RobustMQClusterArgs", "null");
    await expectRefused("split", "args", "RobustMQClusterArgs");
  });

  it("an unknown top-level argument lists the accepted ones and suggests the closest", async () => {
    await expectRefused({ namepsace: "mq" }, "namepsace", 'did you mean "namespace"', "accepted: namespace, createNamespace");
    await expectRefused({ somethingElse: 1 }, "somethingElse", "accepted: namespace");
    const { problems } = await refuse({ somethingElse: 1 });
    assert.ok(!problems[0].includes("did you mean"), "no suggestion when nothing is close");
  });

  it("reports every problem at once", async () => {
    const { problems, registered } = await refuse({ topology: "triple", logLevel: "loud", image: "ghcr.io/robustmq/robustmq:latest", labels: { a: " " } });
    assert.equal(registered, 0);
    assert.deepEqual(
      problems.map((p) => p.split(":")[0]).sort(),
      ["image", "labels.a", "logLevel", "topology"],
    );
  });

  it("refuses an image given as an Output that ends in :latest, once its value is known", async () => {
    // A stack config value or another resource's output: its value is known only during the
    // deployment, so the same rule runs then and fails the deployment before any pod runs it.
    const image = checkedImage(pulumi.output("ghcr.io/robustmq/robustmq:latest")) as pulumi.Output<string>;
    await assert.rejects((image as unknown as { promise(): Promise<string> }).promise(), /image: the "latest" tag is not accepted/);
    const pinned = checkedImage(pulumi.output("ghcr.io/robustmq/robustmq:v0.4.11")) as pulumi.Output<string>;
    assert.equal(await (pinned as unknown as { promise(): Promise<string> }).promise(), "ghcr.io/robustmq/robustmq:v0.4.11");
  });
});
