// The bootstrap gate's script run by real busybox (sh, nc, grep, sleep), the tools of the gate's
// image, on loopback: two meta pods with private host names (a private /etc/hosts in a mount
// namespace), one RobustMQ storage port stood in for by `nc -l`. Needs root, unshare and busybox
// (.ci/run installs busybox); skipped with a message elsewhere. tests/cluster/cluster.test.ts runs the
// same script with stubbed tools on any machine.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GATE_SCRIPT } from "../../components/workload/bootstrap-gate";

const BUSYBOX = ["/usr/bin/busybox", "/bin/busybox"].find((p) => fs.existsSync(p));
const GATE_PORT = 21229;
const STORAGE_PORT = 21778;

function usable(): string | undefined {
  if (BUSYBOX === undefined) return "busybox is not installed";
  if (process.getuid?.() !== 0) return "not root (a private /etc/hosts needs a mount namespace)";
  const probe = spawnSync("unshare", ["-m", "true"]);
  return probe.status === 0 ? undefined : "unshare -m is not permitted here";
}

describe("workload: the bootstrap gate under real busybox", function () {
  this.timeout(60000);
  let dir = "";
  before(function () {
    const why = usable();
    if (why !== undefined) {
      console.log(`      (skipped: ${why})`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-busybox-"));
    fs.mkdirSync(path.join(dir, "bin"));
    for (const tool of ["sh", "nc", "grep", "sleep", "kill", "cat"]) {
      fs.symlinkSync(BUSYBOX as string, path.join(dir, "bin", tool));
    }
    for (const pod of [0, 1]) {
      fs.mkdirSync(path.join(dir, `pod${pod}`));
      fs.writeFileSync(path.join(dir, `pod${pod}`, "hostname"), `#!${BUSYBOX} sh\necho rmq-meta-${pod}\n`, { mode: 0o755 });
    }
    fs.writeFileSync(path.join(dir, "hosts"), "127.0.0.1 localhost\n127.0.0.1 rmq-meta-0.h\n127.0.0.2 rmq-meta-1.h\n");
    fs.writeFileSync(path.join(dir, "gate.sh"), GATE_SCRIPT);
    fs.writeFileSync(path.join(dir, "marker.log"), "2026-11-22T00:00:00Z INFO meta_service::raft::manager: Multi-Raft started\n");
  });
  after(() => dir !== "" && fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs a scenario (bash) inside a mount namespace whose /etc/hosts names the two pods. */
  function scenario(body: string): string {
    const env = [
      `export ROBUSTMQ_META_PEERS="rmq-meta-0.h:${STORAGE_PORT} rmq-meta-1.h:${STORAGE_PORT}"`,
      `export ROBUSTMQ_GATE_PORT=${GATE_PORT} ROBUSTMQ_GATE_MARKER=${dir}/none.log ROBUSTMQ_GATE_MARKER_TEXT="Multi-Raft started"`,
      `gate() { PATH=${dir}/pod$1:${dir}/bin ROBUSTMQ_POD_INDEX=$1 ${BUSYBOX} sh ${dir}/gate.sh; }`,
      `bb() { ${BUSYBOX} "$@"; }`,
    ].join("\n");
    const script = `${env}\n${body}\n`;
    fs.writeFileSync(path.join(dir, "scenario.sh"), script);
    const r = spawnSync("unshare", ["-m", "sh", "-c", `mount --bind ${dir}/hosts /etc/hosts && bash ${dir}/scenario.sh`], { encoding: "utf8", timeout: 45000 });
    return `${r.stdout}${r.stderr}`;
  }

  it("lets pod 0 bootstrap only while pod 1 is empty and held, then lets pod 1 join once pod 0 serves", () => {
    const out = scenario(`
      ( gate 1 > ${dir}/p1.log 2>&1; echo "pod1-exit=$?" >> ${dir}/p1.log ) &
      sleep 2
      timeout 10 bash -c "$(declare -f gate); gate 0"; echo "pod0-exit=$?"
      grep -q pod1-exit ${dir}/p1.log && echo "pod1-passed-too-early" || echo "pod1-held"
      ( bb nc -l -p ${STORAGE_PORT} </dev/null >/dev/null 2>&1 & echo $! > ${dir}/storage.pid )
      for i in 1 2 3 4 5 6 7 8; do grep -q pod1-exit ${dir}/p1.log && break; sleep 1; done
      cat ${dir}/p1.log
      kill $(cat ${dir}/storage.pid) 2>/dev/null
      echo "== pod 1 is gone: its gate port must be closed"
      bb nc -w 1 127.0.0.2 ${GATE_PORT} </dev/null >/dev/null 2>&1 && echo "gate-port-still-open" || echo "gate-port-closed"
    `);
    assert.match(out, /every other meta pod is empty and held: pod 0 bootstraps the cluster\npod0-exit=0/, out);
    assert.match(out, /pod1-held/, out);
    assert.match(out, /serves its storage port: this node joins its cluster\npod1-exit=0/, out);
    assert.match(out, /gate-port-closed/, out);
  });

  it("keeps pod 0 on an empty volume waiting while pod 1 is down and silent", () => {
    const out = scenario(`timeout 6 bash -c "$(declare -f gate); gate 0"; echo "pod0-exit=$?"`);
    assert.match(out, /not every peer is known to be empty: waiting/, out);
    assert.match(out, /pod0-exit=124/, out);
  });

  it("lets a pod whose volume holds RobustMQ's membership line through at once", () => {
    const out = scenario(`ROBUSTMQ_GATE_MARKER=${dir}/marker.log timeout 5 bash -c "$(declare -f gate); gate 1"; echo "pod1-exit=$?"`);
    assert.match(out, /has joined a Raft cluster before: restarting, not waiting for peers\npod1-exit=0/, out);
  });
});
