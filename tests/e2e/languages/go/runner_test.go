// The Go example (examples/go/main.go, copied beside this file by tests/e2e/04-languages.e2e.ts)
// run as an Automation API inline program: the CLI is started with --client and this process hosts
// the program, since the Go module proxy does not serve pulumi-language-go. The example's own
// `program` is what runs; nothing of it is restated here.
//
// Driven through the environment by the e2e test (a compiled test binary, run once per action):
//
//	RMQ_E2E_ACTION       up | destroy
//	RMQ_E2E_PROJECT_DIR  the example's scratch copy (its Pulumi.yaml names the project)
//	RMQ_E2E_STACK        stack name
//	RMQ_E2E_PULUMI_ROOT  directory whose bin/pulumi is the CLI
//	RMQ_E2E_SECRETS      JSON object "robustmq:<key>" -> value, set as secret stack config
//	RMQ_E2E_LOG          file the CLI's progress is appended to
//	RMQ_E2E_RESULT       file the JSON result is written to
//
// The CLI inherits this process's environment (PULUMI_HOME, backend, passphrase, KUBECONFIG).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

type result struct {
	Action  string                 `json:"action"`
	Seconds float64                `json:"seconds"`
	Summary map[string]int         `json:"summary"`
	Outputs map[string]interface{} `json:"outputs"`
}

func env(t *testing.T, name string) string {
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set (this runner is started by tests/e2e/04-languages.e2e.ts)", name)
	}
	return v
}

func TestInlineStack(t *testing.T) {
	if os.Getenv("RMQ_E2E_ACTION") == "" {
		t.Skip("started by tests/e2e/04-languages.e2e.ts only")
	}
	action := env(t, "RMQ_E2E_ACTION")
	ctx := context.Background()
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: env(t, "RMQ_E2E_PULUMI_ROOT")})
	if err != nil {
		t.Fatalf("pulumi CLI: %v", err)
	}
	stack, err := auto.UpsertStackInlineSource(ctx, env(t, "RMQ_E2E_STACK"), "", program,
		auto.WorkDir(env(t, "RMQ_E2E_PROJECT_DIR")), auto.Pulumi(cmd))
	if err != nil {
		t.Fatalf("stack: %v", err)
	}
	log, err := os.OpenFile(env(t, "RMQ_E2E_LOG"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()

	res := result{Action: action, Outputs: map[string]interface{}{}}
	start := time.Now()
	var changes *map[string]int
	switch action {
	case "up":
		var secrets map[string]string
		if err := json.Unmarshal([]byte(env(t, "RMQ_E2E_SECRETS")), &secrets); err != nil {
			t.Fatalf("RMQ_E2E_SECRETS: %v", err)
		}
		config := auto.ConfigMap{}
		for k, v := range secrets {
			config[k] = auto.ConfigValue{Value: v, Secret: true}
		}
		if err := stack.SetAllConfig(ctx, config); err != nil {
			t.Fatalf("config: %v", err)
		}
		r, err := stack.Up(ctx, optup.ProgressStreams(log), optup.ErrorProgressStreams(log))
		if err != nil {
			t.Fatalf("up: %v", err)
		}
		changes = r.Summary.ResourceChanges
		for k, o := range r.Outputs {
			if o.Secret {
				res.Outputs[k] = "[secret]"
			} else {
				res.Outputs[k] = o.Value
			}
		}
	case "destroy":
		r, err := stack.Destroy(ctx, optdestroy.ProgressStreams(log), optdestroy.ErrorProgressStreams(log))
		if err != nil {
			t.Fatalf("destroy: %v", err)
		}
		changes = r.Summary.ResourceChanges
	default:
		t.Fatalf("RMQ_E2E_ACTION=%q: want up or destroy", action)
	}
	res.Seconds = time.Since(start).Seconds()
	if changes != nil {
		res.Summary = *changes
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(env(t, "RMQ_E2E_RESULT"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("%s done in %.1f s\n", action, res.Seconds)
}
