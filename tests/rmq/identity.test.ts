import { strict as assert } from "assert";
import { brokerId, brokerIdEnvValue, META_ADDRESS_SLOTS, metaAddressSlots, metaAddrs, metaPods } from "../../components/rmq/identity";

describe("identity", () => {
  it("gives every pod of every tier a distinct broker id >= 1, however far tiers scale", () => {
    const seen = new Map<number, string>();
    for (const prefix of [1, 2, 3]) {
      for (let ordinal = 0; ordinal < 250; ordinal++) {
        const id = brokerId(prefix, ordinal);
        assert.ok(id >= 1, `id ${id} for ${prefix}/${ordinal}`);
        assert.ok(!seen.has(id), `id ${id} of ${prefix}/${ordinal} already used by ${seen.get(id)}`);
        seen.set(id, `${prefix}/${ordinal}`);
      }
    }
  });

  it("computes the same id Kubernetes expands from the env value", () => {
    for (const [prefix, ordinal] of [[1, 0], [2, 7], [3, 12]]) {
      const expanded = brokerIdEnvValue(prefix).replace("$(ROBUSTMQ_POD_INDEX)", String(ordinal));
      assert.equal(Number(expanded), brokerId(prefix, ordinal));
    }
  });

  it("names every meta pod by its stable DNS name, keyed by its broker id", () => {
    const addrs = metaAddrs(metaPods({ statefulSet: "rmq-meta", headlessService: "rmq-meta-headless", idPrefix: 1, replicas: 3 }, "mq", "cluster.local"), 1228);
    assert.deepEqual(addrs, {
      "10": "rmq-meta-0.rmq-meta-headless.mq.svc.cluster.local:1228",
      "11": "rmq-meta-1.rmq-meta-headless.mq.svc.cluster.local:1228",
      "12": "rmq-meta-2.rmq-meta-headless.mq.svc.cluster.local:1228",
    });
  });
});

describe("meta address slots", () => {
  it("lists one address for one meta pod (RobustMQ's single-node case), else every ordinal up to 7, else every pod", () => {
    assert.deepEqual([1, 3, 5, 7, 9].map(metaAddressSlots), [1, 7, 7, 7, 9]);
    assert.equal(META_ADDRESS_SLOTS, 7);
  });

  it("keeps meta_addrs the same across a meta scale-out within the slots", () => {
    const addrs = (replicas: number) =>
      metaAddrs(metaPods({ statefulSet: "mq-meta", headlessService: "mq-meta-headless", idPrefix: 1, replicas: metaAddressSlots(replicas) }, "ns", "cluster.local"), 1228);
    assert.deepEqual(addrs(3), addrs(5));
    assert.deepEqual(addrs(5), addrs(7));
    assert.notDeepEqual(addrs(7), addrs(9));
  });
});
