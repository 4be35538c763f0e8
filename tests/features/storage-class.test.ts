import { strict as assert } from "assert";
import type { IStorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { StorageClassArgs } from "../../components/api/features";
import { RobustMQClusterArgs } from "../../components/api/args";
import { resolveClusterArgs } from "../../components/cluster/resolve";
import { resolveStorageClass, storageClassManifest, validateStorageClassArgs } from "../../components/features/storage-class";
import { RobustMQArgsError } from "../../components/validate/errors";
import { validateManifest } from "../schema";

const cluster = resolveClusterArgs("rmq", { namespace: "mq" });

function build(args: StorageClassArgs): IStorageClass {
  // resolveStorageClass takes only arguments validation accepted.
  assert.deepEqual(validateStorageClassArgs(args), []);
  const manifest = storageClassManifest(cluster, resolveStorageClass(cluster, args));
  assert.ok(manifest, "a StorageClass is built");
  validateManifest(manifest);
  return manifest as unknown as IStorageClass;
}

function problems(args: unknown): string[] {
  return validateStorageClassArgs(args);
}

describe("storage class", () => {
  it("aws-ebs: gp3 on the EBS CSI driver, encrypted, with IOPS and throughput", () => {
    const sc = build({ preset: "aws-ebs", reclaimPolicy: "Retain" });
    assert.equal(sc.metadata?.name, "rmq-aws-ebs");
    assert.equal(sc.provisioner, "ebs.csi.aws.com");
    assert.deepEqual(sc.parameters, { type: "gp3", iops: "3000", throughput: "125", encrypted: "true" });
    assert.equal(sc.reclaimPolicy, "Retain");
    assert.equal(sc.allowVolumeExpansion, true);
    assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
    assert.equal((sc.metadata as { namespace?: string }).namespace, undefined, "StorageClass is cluster-scoped");

    const tuned = build({ preset: "aws-ebs", iops: 6000, throughput: 500, kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/abc" });
    assert.deepEqual(tuned.parameters, {
      type: "gp3",
      iops: "6000",
      throughput: "500",
      encrypted: "true",
      kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/abc",
    });
  });

  it("gce-pd, azure-disk and local-path presets", () => {
    const gce = build({ preset: "gce-pd" });
    assert.equal(gce.provisioner, "pd.csi.storage.gke.io");
    assert.deepEqual(gce.parameters, { type: "pd-ssd" });
    assert.deepEqual(build({ preset: "gce-pd", diskType: "pd-balanced" }).parameters, { type: "pd-balanced" });

    const azure = build({ preset: "azure-disk", reclaimPolicy: "Delete" });
    assert.equal(azure.provisioner, "disk.csi.azure.com");
    assert.deepEqual(azure.parameters, { skuName: "Premium_LRS" });
    assert.equal(azure.reclaimPolicy, "Delete");

    const local = build({ preset: "local-path", reclaimPolicy: "Delete" });
    assert.equal(local.metadata?.name, "rmq-local-path");
    assert.equal(local.provisioner, "rancher.io/local-path");
    assert.equal(local.volumeBindingMode, "WaitForFirstConsumer");
    assert.equal(local.allowVolumeExpansion, false, "local-path has no resizer");
  });

  it("custom: the given provisioner and parameters, under a given name", () => {
    const sc = build({ preset: "custom", name: "fast", provisioner: "csi.example.com", parameters: { tier: "gold" } });
    assert.equal(sc.metadata?.name, "fast");
    assert.equal(sc.provisioner, "csi.example.com");
    assert.deepEqual(sc.parameters, { tier: "gold" });
    assert.equal(sc.allowVolumeExpansion, true);
    assert.equal(sc.reclaimPolicy, "Retain", "Retain unless told otherwise");
  });

  it("tells the tiers which class to use; a tier's own class wins", () => {
    const withClass = (args: RobustMQClusterArgs) => resolveClusterArgs("rmq", { namespace: "mq", ...args });
    const created = withClass({ storageClass: { preset: "gce-pd" } });
    const existing = withClass({ storageClass: { existingClassName: "premium-rwo" } });
    const none = cluster;
    assert.equal(created.storageClass?.className, "rmq-gce-pd");
    assert.equal(existing.storageClass?.className, "premium-rwo");
    assert.equal(none.storageClass, undefined);
    assert.equal(storageClassManifest(existing, existing.storageClass!), undefined, "an existing class is not created");
    assert.deepEqual(created.tiers.map((t) => t.storageClassName), ["rmq-gce-pd"]);
    assert.deepEqual(existing.tiers.map((t) => t.storageClassName), ["premium-rwo"]);
    assert.deepEqual(none.tiers.map((t) => t.storageClassName), [undefined], "no argument: the cluster's default class");
    const own = withClass({ topology: "split", storageClass: { preset: "gce-pd" }, engine: { storageClassName: "engine-nvme" } });
    assert.deepEqual(own.tiers.map((t) => [t.name, t.storageClassName]), [["meta", "rmq-gce-pd"], ["broker", "rmq-gce-pd"], ["engine", "engine-nvme"]]);
    assert.equal(withClass({ combined: { storageClassName: "engine-nvme" } }).tiers[0].storageClassName, "engine-nvme");
  });

  it("refuses bad input, naming the field and what is accepted", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ preset: "ceph" }, /^storageClass\.preset: must be one of "aws-ebs", "gce-pd", "azure-disk", "local-path", "custom"/],
      [{ preset: "custom" }, /^storageClass\.provisioner: required with preset "custom"/],
      [{ preset: "custom", provisioner: "Not A Driver" }, /^storageClass\.provisioner: must be a DNS-1123 subdomain/],
      [{ preset: "custom", provisioner: "x.io", parameters: { a: 1 } }, /^storageClass\.parameters\.a: must be a string/],
      [{ preset: "aws-ebs", iops: 2000 }, /^storageClass\.iops: must be an integer from 3000 to 16000, got 2000 \(gp3 limits\)/],
      [{ preset: "aws-ebs", iops: 17000 }, /^storageClass\.iops: must be an integer from 3000 to 16000/],
      [{ preset: "aws-ebs", throughput: 100 }, /^storageClass\.throughput: must be an integer from 125 to 1000/],
      [{ preset: "aws-ebs", throughput: 1001 }, /^storageClass\.throughput: must be an integer from 125 to 1000/],
      [{ preset: "aws-ebs", throughput: 1000 }, /^storageClass\.throughput: 1000 MiB\/s needs at least 4000 IOPS/],
      [{ preset: "gce-pd", diskType: "pd-standard" }, /^storageClass\.diskType: must be one of "pd-ssd", "pd-balanced"/],
      [{ preset: "azure-disk", skuName: "Standard_LRS" }, /^storageClass\.skuName: must be one of/],
      [{ preset: "gce-pd", iops: 4000 }, /^storageClass\.iops: only used with preset "aws-ebs" \(preset is "gce-pd"\)/],
      [{ preset: "aws-ebs", existingClassName: "gp3" }, /^storageClass\.preset: not used with existingClassName/],
      [{ existingClassName: "Bad_Name" }, /^storageClass\.existingClassName: must be a DNS-1123 subdomain/],
      [{}, /^storageClass: set preset \("aws-ebs", .*\) or existingClassName/],
      [{ preset: "aws-ebs", reclaimPolicy: "Recycle" }, /^storageClass\.reclaimPolicy: must be one of "Retain", "Delete"/],
      [{ preset: "aws-ebs", size: "10Gi" }, /^storageClass\.size: unknown field/],
      ["aws-ebs", /^storageClass: must be an object/],
    ];
    for (const [args, expected] of cases) {
      const found = problems(args);
      assert.ok(found.some((p) => expected.test(p)), `${JSON.stringify(args)}: expected ${expected}, got ${JSON.stringify(found)}`);
    }
    assert.deepEqual(problems({ preset: "aws-ebs", iops: 4000, throughput: 1000 }), []);
    assert.deepEqual(problems(undefined), []);
  });

  it("resolve throws every problem at once", () => {
    // The cluster validates the argument before resolving it.
    assert.throws(
      () => resolveClusterArgs("rmq", { namespace: "mq", storageClass: { preset: "aws-ebs", iops: 1, throughput: 1 } as StorageClassArgs }),
      (e: unknown) => e instanceof RobustMQArgsError && e.problems.length === 2 && e.problems.every((p) => p.startsWith("storageClass.")),
    );
  });
});
