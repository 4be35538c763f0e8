import * as pulumi from "@pulumi/pulumi";
import { RobustMQCluster } from "../components";
import { readStackSettings } from "./config";

/** The deployable program: one RobustMQCluster configured from the stack's config. */
export function deployStack() {
  const settings = readStackSettings();
  const cluster = new RobustMQCluster(settings.name, settings.args, { protect: settings.protect });
  return {
    cluster,
    outputs: {
      namespace: cluster.namespace,
      statefulSets: cluster.statefulSetNames,
      clientService: cluster.clientServiceName,
      adminService: cluster.adminServiceName,
      endpoints: cluster.endpoints,
      brokerIds: cluster.brokerIds,
      adminUsername: cluster.adminUsername,
      adminPassword: pulumi.secret(cluster.adminPassword),
      mqttUsername: pulumi.secret(cluster.mqttUsername),
      mqttPassword: pulumi.secret(cluster.mqttPassword),
    },
  };
}
