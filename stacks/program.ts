import * as pulumi from "@pulumi/pulumi";
import { RobustMQCluster } from "../components";
import { RobustMQImage } from "../components/image";
import { readStackSettings } from "./config";

/** The deployable program: one RobustMQCluster configured from the stack's config. */
export function deployStack() {
  const settings = readStackSettings();
  const image =
    settings.imageBuild === undefined ? undefined : new RobustMQImage(`${settings.name}-image`, settings.imageBuild, { protect: settings.protect });
  const args = image === undefined ? settings.args : { ...settings.args, image };
  const cluster = new RobustMQCluster(settings.name, args, { protect: settings.protect });
  return {
    cluster,
    outputs: {
      namespace: cluster.namespace,
      statefulSets: cluster.statefulSetNames,
      clientService: cluster.clientServiceName,
      adminService: cluster.adminServiceName,
      endpoints: cluster.endpoints,
      image: image === undefined ? undefined : image.ref,
      brokerIds: cluster.brokerIds,
      adminUsername: cluster.adminUsername,
      adminPassword: pulumi.secret(cluster.adminPassword),
      mqttUsername: pulumi.secret(cluster.mqttUsername),
      mqttPassword: pulumi.secret(cluster.mqttPassword),
    },
  };
}
