"""A RobustMQ cluster from a Python Pulumi program, with the SDK generated from pulumi-robustmq.

Before the first `pulumi up` (README, "Use it from Python, Go, .NET or YAML"):
    pulumi package add <path or git URL of pulumi-robustmq>   # writes sdks/pulumi-robustmq-robustmq
    pulumi config set --secret robustmq:adminPassword ...     # and jwtSecret, mqttUsername, mqttPassword
"""

import pulumi
import pulumi_robustmq_robustmq as robustmq

config = pulumi.Config("robustmq")

mq = robustmq.RobustMQCluster(
    "mq",
    topology=robustmq.Topology.SPLIT,
    protocols=[robustmq.Protocol.MQTT, robustmq.Protocol.KAFKA],
    engine=robustmq.TierArgsArgs(replicas=3, storage_size="50Gi"),
    admin_password=config.require_secret("adminPassword"),
    jwt_secret=config.require_secret("jwtSecret"),
    mqtt_username=config.require_secret("mqttUsername"),
    mqtt_password=config.require_secret("mqttPassword"),
)

pulumi.export("mqtt", mq.mqtt_url)
pulumi.export("kafka", mq.kafka_bootstrap)
