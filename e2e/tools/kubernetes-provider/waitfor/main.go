// waitfor evaluates pulumi.com/waitFor expressions with the provider's own JSONPath code
// (pkg/jsonpath of the pulumi-kubernetes release in go.mod): the component's expressions and the
// objects they are checked against come in as JSON on stdin, the provider's answers go out as JSON.
// The end-to-end suite uses it to hold the expressions to what the real provider parses and matches.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/jsonpath"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

type check struct {
	Expression string           `json:"expression"`
	Objects    []map[string]any `json:"objects"`
}

type answer struct {
	Expression string `json:"expression"`
	ParseError string `json:"parseError,omitempty"`
	Matched    []bool `json:"matched,omitempty"`
	MatchError string `json:"matchError,omitempty"`
}

func main() {
	var checks []check
	if err := json.NewDecoder(os.Stdin).Decode(&checks); err != nil {
		fmt.Fprintf(os.Stderr, "waitfor: reading checks: %v\n", err)
		os.Exit(2)
	}
	answers := make([]answer, 0, len(checks))
	for _, c := range checks {
		a := answer{Expression: c.Expression}
		parsed, err := jsonpath.Parse(c.Expression)
		if err != nil {
			a.ParseError = err.Error()
			answers = append(answers, a)
			continue
		}
		for _, o := range c.Objects {
			r, err := parsed.Matches(&unstructured.Unstructured{Object: o})
			if err != nil {
				a.MatchError = err.Error()
				break
			}
			a.Matched = append(a.Matched, r.Matched)
		}
		answers = append(answers, a)
	}
	if err := json.NewEncoder(os.Stdout).Encode(answers); err != nil {
		os.Exit(1)
	}
}
