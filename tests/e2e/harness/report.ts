// What the end-to-end run measured, written as Markdown at the end of the run (and printed), so
// figures quoted in the docs come from a run that produced them.
import * as fs from "fs";

export class Report {
  private readonly sections = new Map<string, string[]>();
  private readonly started = Date.now();

  /** Appends lines under a section heading (sections keep the order they were first used in). */
  add(section: string, ...lines: string[]): void {
    const s = this.sections.get(section) ?? [];
    s.push(...lines);
    this.sections.set(section, s);
  }

  table(section: string, header: string[], rows: string[][]): void {
    this.add(section, `| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`), "");
  }

  render(title: string): string {
    const out = [`# ${title}`, "", `Run of ${new Date(this.started).toISOString()}, ${Math.round((Date.now() - this.started) / 1000)} s.`, ""];
    for (const [section, lines] of this.sections) {
      out.push(`## ${section}`, "", ...lines, "");
    }
    return out.join("\n");
  }

  write(file: string, title: string): void {
    fs.writeFileSync(file, this.render(title));
  }
}
