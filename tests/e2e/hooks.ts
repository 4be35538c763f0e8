// Mocha root hooks of the end-to-end run (.mocharc.e2e.json): build or find the real tools, start
// the control plane, install the CRDs, prepare the Pulumi CLI; at the end stop every process and
// write the report. A failed run keeps its scratch directory (logs, state) and says where.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startControlPlane } from "./harness/control-plane";
import { installCrds } from "./harness/crds";
import { preparePulumi } from "./harness/pulumi";
import { Report } from "./harness/report";
import { buildTools } from "./harness/tools";
import { e2e, setContext } from "./context";

let failed = false;
let workDir = "";

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    // A cold build of the tools took 13 minutes on 2 cores (docs/END-TO-END.md); a warm one seconds.
    this.timeout(60 * 60 * 1000);
    const report = new Report();
    let t = Date.now();
    const tools = buildTools();
    report.add("Timings", `- tools found or built: ${Math.round((Date.now() - t) / 1000)} s`);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-e2e-"));
    t = Date.now();
    const cp = await startControlPlane(tools, workDir);
    try {
      const crds = await installCrds(tools, cp.kubectl);
      report.add("Timings", `- control plane up (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, 9 nodes, ${crds.length} CRDs): ${Math.round((Date.now() - t) / 1000)} s`);
      const pulumi = await preparePulumi(tools, workDir, cp.kubeconfig);
      setContext({ tools, cp, pulumi, report, workDir });
    } catch (e) {
      await cp.stop();
      throw e;
    }
  },

  afterEach(this: Mocha.Context) {
    if (this.currentTest?.state === "failed") {
      failed = true;
    }
  },

  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    let ctx;
    try {
      ctx = e2e();
    } catch {
      return;
    }
    setContext(undefined);
    await ctx.cp.stop();
    const reportFile = process.env.RMQ_E2E_REPORT ?? path.join(path.dirname(ctx.tools.binDir), "last-report.md");
    ctx.report.write(reportFile, "End-to-end run");
    // Printed too: CI keeps its log, not the cache the file is written to.
    console.log(`\n${ctx.report.render("End-to-end run")}\nreport: ${reportFile}`);
    if (failed || process.env.RMQ_E2E_KEEP === "1") {
      console.log(`kept the run's logs and state in ${workDir}`);
    } else {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  },
};
