// A RobustMQ cluster from a Go Pulumi program, with the SDK generated from pulumi-robustmq.
//
// Before the first `pulumi up` (README, "Use it from Python, Go, .NET or YAML"):
//
//	pulumi package add <path or git URL of pulumi-robustmq>  # writes sdks/pulumi-robustmq-robustmq
//	pulumi config set --secret robustmq:adminPassword ...    # and jwtSecret, mqttUsername, mqttPassword
//
// go.mod's replace points the SDK's module path at that directory, as `pulumi package add` does.
package main

import (
	"github.com/pulumi-robustmq/pulumi-robustmq/sdk/go/robustmq"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(program)
}

func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "robustmq")
	split := robustmq.TopologySplit // plain (non-Input) arguments are pointers
	mq, err := robustmq.NewRobustMQCluster(ctx, "mq", &robustmq.RobustMQClusterArgs{
		Topology:      &split,
		Protocols:     []robustmq.Protocol{robustmq.ProtocolMqtt, robustmq.ProtocolKafka},
		Engine:        &robustmq.TierArgsArgs{Replicas: pulumi.Float64Ref(3), StorageSize: pulumi.StringRef("50Gi")},
		AdminPassword: cfg.RequireSecret("adminPassword"),
		JwtSecret:     cfg.RequireSecret("jwtSecret"),
		MqttUsername:  cfg.RequireSecret("mqttUsername"),
		MqttPassword:  cfg.RequireSecret("mqttPassword"),
	})
	if err != nil {
		return err
	}
	ctx.Export("mqtt", mq.MqttUrl)
	ctx.Export("kafka", mq.KafkaBootstrap)
	return nil
}
