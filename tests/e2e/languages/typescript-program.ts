// The program examples/python/__main__.py and examples/go/main.go are, in TypeScript: the same
// component, name, arguments and exports, the component constructed in-process (no provider).
// What the other languages register is compared with what this one does.
import * as pulumi from "@pulumi/pulumi";
import { Protocol, RobustMQCluster, Topology } from "../../../components";

export function typescriptProgram() {
  const config = new pulumi.Config("robustmq");
  const mq = new RobustMQCluster("mq", {
    topology: Topology.Split,
    protocols: [Protocol.Mqtt, Protocol.Kafka],
    engine: { replicas: 3, storageSize: "50Gi" },
    adminPassword: config.requireSecret("adminPassword"),
    jwtSecret: config.requireSecret("jwtSecret"),
    mqttUsername: config.requireSecret("mqttUsername"),
    mqttPassword: config.requireSecret("mqttPassword"),
  });
  return { mqtt: mq.mqttUrl, kafka: mq.kafkaBootstrap };
}

/** The namespace the examples deploy into: the component's name, their `namespace` being unset. */
export const EXAMPLE_NAMESPACE = "mq";
