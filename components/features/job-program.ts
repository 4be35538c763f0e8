// The start of every program the package runs in a Job's pod (the runtime sync, the backup): plain
// CommonJS on Node's own modules, reporting its outcome where `pulumi up` shows it.

/** Kept free of backticks and dollar-brace sequences: the programs are raw strings. */
export const JOB_PROGRAM_PRELUDE = String.raw`"use strict";
const fs = require("fs");
const env = process.env;
const terminationLog = env.RMQ_TERMINATION_LOG || "/dev/termination-log";

// The Kubernetes provider prints a failed container's termination message when a Job fails; the
// kubelet keeps at most 4096 bytes of it. stderr keeps it in the Job's log too.
function writeTermination(text) {
  if (Buffer.byteLength(text) > 4000) text = text.slice(0, 3900) + "\n... (the Job's log has the rest)";
  try {
    fs.writeFileSync(terminationLog, text + "\n");
  } catch (e) {
    process.stdout.write("cannot write " + terminationLog + ": " + e.message + "\n");
  }
  process.stderr.write(text + "\n");
}
`;
