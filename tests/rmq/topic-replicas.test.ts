import { strict as assert } from "assert";
import { parse } from "smol-toml";
import { renderServerToml } from "../../components/rmq/config/server-toml";
import { resolveClusterArgs } from "../../components/cluster/resolve";
import { topicReplicaLimit } from "../../components/rmq/topology";
import { RobustMQArgsError } from "../../components/validate/errors";
import { nodeConfig } from "../../components/workload/config";
import { RobustMQClusterArgs } from "../../components";

function replicaNum(args: RobustMQClusterArgs): number[] {
  const cluster = resolveClusterArgs("rmq", args);
  return cluster.tiers.map((t) => (parse(renderServerToml(nodeConfig(cluster, t))) as any).runtime.default_topic_replica_num);
}

function problems(args: RobustMQClusterArgs): string[] {
  try {
    resolveClusterArgs("rmq", args);
    return [];
  } catch (e) {
    assert.ok(e instanceof RobustMQArgsError);
    return e.problems;
  }
}

describe("topics: replicas against the engine tier", () => {
  it("allows at most the engine pods minus one (one engine pod may always be down)", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 9].map(topicReplicaLimit), [1, 1, 2, 3, 4, 8]);
  });

  it("writes the derived value in every tier's server.toml (the [runtime] table's absence would mean 2)", () => {
    assert.deepEqual(replicaNum({}), [1], "one combined node: one copy, and Kafka topics can be created");
    assert.deepEqual(replicaNum({ combined: { replicas: 3 } }), [2]);
    // Split: meta pods are engine nodes too, so 3 meta + 3 engine pods give 6 engine nodes.
    assert.deepEqual(replicaNum({ topology: "split" }), [3, 3, 3], "three copies unless asked for more");
    assert.deepEqual(replicaNum({ topology: "split", meta: { replicas: 1 }, engine: { replicas: 1 } }), [1, 1, 1]);
    assert.deepEqual(replicaNum({ topology: "split", meta: { replicas: 1 }, engine: { replicas: 2 } }), [2, 2, 2]);
  });

  it("takes a value the engine tier can hold with one pod down", () => {
    assert.deepEqual(replicaNum({ topology: "split", engine: { replicas: 5 }, extraConfig: { runtime: { default_topic_replica_num: 7 } } }), [7, 7, 7]);
    assert.deepEqual(replicaNum({ topology: "split", extraConfig: { runtime: { default_topic_replica_num: 1 } } }), [1, 1, 1]);
  });

  it("refuses a value the engine tier cannot hold, naming the field", () => {
    for (const [args, max] of [
      [{ topology: "split", meta: { replicas: 1 }, engine: { replicas: 2 }, extraConfig: { runtime: { default_topic_replica_num: 3 } } }, 2],
      [{ topology: "split", extraConfig: { runtime: { default_topic_replica_num: 6 } } }, 5],
      [{ extraConfig: { runtime: { default_topic_replica_num: 2 } } }, 1],
      [{ combined: { replicas: 3 }, extraConfig: { runtime: { default_topic_replica_num: 0 } } }, 2],
    ] as Array<[RobustMQClusterArgs, number]>) {
      const p = problems(args);
      assert.equal(p.length, 1, p.join("\n"));
      assert.match(p[0], new RegExp(`^extraConfig\\.runtime\\.default_topic_replica_num: must be from 1 to ${max} `));
    }
  });
});
