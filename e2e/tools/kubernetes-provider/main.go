// The pulumi-resource-kubernetes plugin: the provider package of pulumi-kubernetes 4.25.0 served
// with the schema and Terraform mapping it ships (the build stamps the schema's version, as the
// upstream release build does).
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
