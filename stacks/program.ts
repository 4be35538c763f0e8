import * as pulumi from "@pulumi/pulumi";
import { RobustMQCluster } from "../components";
import { readStackSettings } from "./config";

/**
 * The deployable program: one RobustMQCluster configured from the stack's config. Also returns the
 * settings read from the config and the args the component was given.
 */
export function deployStack() {
  const settings = readStackSettings();
  // A built image is the cluster's child, first in its apply order; pods run its digest.
  const args = settings.imageBuild === undefined ? settings.args : { ...settings.args, imageBuild: settings.imageBuild };
  const cluster = new RobustMQCluster(settings.name, args, { protect: settings.protect });
  return {
    cluster,
    settings,
    args,
    outputs: {
      namespace: cluster.namespace,
      statefulSets: cluster.statefulSetNames,
      clientService: cluster.clientServiceName,
      adminService: cluster.adminServiceName,
      endpoints: cluster.endpoints,
      image: cluster.image,
      brokerIds: cluster.brokerIds,
      adminUsername: cluster.adminUsername,
      adminPassword: pulumi.secret(cluster.adminPassword),
      mqttUsername: pulumi.secret(cluster.mqttUsername),
      mqttPassword: pulumi.secret(cluster.mqttPassword),
    },
  };
}
