// The alert rules under Prometheus' own tool: `promtool check rules` on every rendered rule file
// (the reference cluster, other shapes, and the staging and prod stacks as rendered), and
// `promtool test rules` feeding the synthetic series of monitoring/cases.ts, where each alert fires
// at least once and stays silent at least once. promtool comes from Debian's `prometheus`
// package, which .ci/run installs: without it these tests fail under CI and are skipped elsewhere.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RobustMQClusterArgs } from "../../components";
import { resolveClusterArgs } from "../../components/cluster/resolve";
import { PrometheusRuleManifest, prometheusRuleManifest } from "../../components/features/monitoring/rules";
import { evaluateStack } from "../../offline/render";
import { CASES, REFERENCE, REFERENCE_NAME } from "./monitoring/cases";
import { findPromtool, promtool, ruleFile, unitTestFile } from "./monitoring/promtool";

const PROMTOOL = findPromtool();

function rulesOf(name: string, args: RobustMQClusterArgs): PrometheusRuleManifest {
  const cluster = resolveClusterArgs(name, args);
  const rule = prometheusRuleManifest(cluster, cluster.monitoring!);
  assert.ok(rule, `${name}: rules are on`);
  return rule;
}

const reference = () => rulesOf(REFERENCE_NAME, REFERENCE);

describe("monitoring: every alert has a case that fires and one that stays silent", () => {
  it("covers each alert of the reference rules both ways", () => {
    const alerts = reference().spec.groups.flatMap((g) => g.rules.map((r) => r.alert));
    const missing = alerts.flatMap((a) => {
      const cases = CASES.filter((c) => c.alert === a);
      return [
        ...(cases.some((c) => c.fires.length > 0) ? [] : [`${a}: no case where it fires`]),
        ...(cases.some((c) => c.fires.length === 0) ? [] : [`${a}: no case where it stays silent`]),
      ];
    });
    assert.deepEqual(missing, []);
    assert.deepEqual(CASES.map((c) => c.alert).filter((a) => !alerts.includes(a)), [], "every case is about a rendered alert");
  });
});

describe("monitoring: the alert rules under promtool", function () {
  this.timeout(120000);
  let dir = "";
  before(function () {
    if (PROMTOOL === undefined) {
      if (process.env.CI) {
        throw new Error("promtool is not installed: CI must install it (.ci/run: apt-get install prometheus)");
      }
      console.log("      (skipped: promtool is not installed; `apt-get install prometheus` provides it)");
      this.skip();
    }
    console.log(`      ${promtool(PROMTOOL as string, ["--version"], os.tmpdir()).output.split("\n")[0]}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-rules-"));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  const check = (file: string, rule: PrometheusRuleManifest) => {
    fs.writeFileSync(path.join(dir, file), ruleFile(rule));
    const r = promtool(PROMTOOL as string, ["check", "rules", file], dir);
    assert.equal(r.status, 0, r.output);
    const count = rule.spec.groups.reduce((n, g) => n + g.rules.length, 0);
    assert.match(r.output, new RegExp(`SUCCESS: ${count} rules found`), r.output);
  };

  it("check rules: the reference cluster's rules", () => check("reference.yaml", reference()));

  it("check rules: a combined cluster without MQTT or cert-manager, and one with only a listener certificate", () => {
    check("combined.yaml", rulesOf("solo", { protocols: ["kafka"], combined: { replicas: 3 }, monitoring: { scrape: "PodMonitor" } }));
    check("listener.yaml", rulesOf("edge", { namespace: "edge", listenerTls: { certManager: { issuerName: "ca" } }, monitoring: { certificateExpiryDays: 3 } }));
  });

  for (const stack of ["staging", "prod"]) {
    it(`check rules: the PrometheusRule of the ${stack} stack as rendered`, async () => {
      const { resources } = await evaluateStack(stack);
      const rules = resources.filter((r) => r.inputs.kind === "PrometheusRule");
      assert.equal(rules.length, 1);
      check(`${stack}.yaml`, rules[0].inputs as PrometheusRuleManifest);
    });
  }

  it(`test rules: ${CASES.length} cases fire or stay silent as expected`, () => {
    const rule = reference();
    fs.writeFileSync(path.join(dir, "rules.yaml"), ruleFile(rule));
    fs.writeFileSync(path.join(dir, "tests.yaml"), unitTestFile("rules.yaml", rule, CASES));
    const r = promtool(PROMTOOL as string, ["test", "rules", "tests.yaml"], dir);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /SUCCESS/);
  });

  it("test rules catches a wrong expectation (the harness can fail)", () => {
    const rule = reference();
    const wrong = CASES.filter((c) => c.alert === "RobustMQVolumeFull").map((c) => ({ ...c, fires: c.fires.length > 0 ? [] : [{ labels: {}, summary: "", description: "" }] }));
    fs.writeFileSync(path.join(dir, "rules.yaml"), ruleFile(rule));
    fs.writeFileSync(path.join(dir, "wrong.yaml"), unitTestFile("rules.yaml", rule, wrong));
    const r = promtool(PROMTOOL as string, ["test", "rules", "wrong.yaml"], dir);
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /FAILED/);
  });
});
