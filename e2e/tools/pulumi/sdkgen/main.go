// sdkgen writes a Python or Go SDK for a Pulumi package schema with Pulumi's own code generators
// (pkg/codegen/python, pkg/codegen/go at the CLI's release). It is what `pulumi package gen-sdk`
// ends up calling through a language host; the Go module proxy serves no pulumi-language-python or
// pulumi-language-go module, so the end-to-end harness drives the generators directly.
//
//	sdkgen -schema schema.json -language python|go -out DIR
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
)

const tool = "pulumi-robustmq-sdkgen"

func main() {
	schemaPath := flag.String("schema", "", "package schema (JSON)")
	language := flag.String("language", "", "python or go")
	out := flag.String("out", "", "directory to write the SDK into (replaced)")
	flag.Parse()
	if *schemaPath == "" || *out == "" || (*language != "python" && *language != "go") {
		fmt.Fprintln(os.Stderr, "usage: sdkgen -schema schema.json -language python|go -out DIR")
		os.Exit(2)
	}
	if err := run(*schemaPath, *language, *out); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, language, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	// References to other packages would be resolved through installed plugins, as the CLI does.
	pctx, err := plugin.NewContext(context.Background(), cmdutil.Diag(), cmdutil.Diag(), nil, nil, cwd, nil, false, nil)
	if err != nil {
		return err
	}
	defer pctx.Close()
	loader := schema.NewPluginLoader(pctx)
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return diags
	}
	var files map[string][]byte
	switch language {
	case "python":
		files, err = python.GeneratePackage(tool, pkg, nil, loader)
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, nil)
	}
	if err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
