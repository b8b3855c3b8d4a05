import { docsUrl, type Finding } from '../findings';
import type { LineIndex } from '../lineIndex';
import { splitMessage } from '../messages';
import { RULES } from '../rules';

export interface FileFindings {
  filename: string;
  findings: Finding[];
  lines: LineIndex;
}

function loc(lines: LineIndex, offset: number): { row: number; column: number } {
  const p = lines.positionAt(offset);
  return { row: p.line + 1, column: p.character + 1 };
}

export function formatText(results: FileFindings[]): string {
  const out: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const l = loc(r.lines, f.start);
      // One line per finding, as linters print them: the headline; --format json has the whole message.
      out.push(`${r.filename}:${l.row}:${l.column}: ${f.code} ${splitMessage(f.message).headline}`);
    }
  }
  return out.join('\n');
}

/** The last line of the text report: `Found 4 findings in 2 files.` or `All clear: 3 files checked.` */
export function formatSummary(findings: number, files: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return findings ? `Found ${plural(findings, 'finding')} in ${plural(files, 'file')}.` : `All clear: ${plural(files, 'file')} checked.`;
}

/**
 * The text report: one line per finding, then the summary on a line of its own. Both go to the
 * same stream (stdout, as Ruff does), so no reader that joins stdout and stderr can run the
 * summary into the last message.
 */
export function formatTextReport(results: FileFindings[], files: number): string {
  const count = results.reduce((n, r) => n + r.findings.length, 0);
  const text = formatText(results);
  return `${text ? `${text}\n` : ''}${formatSummary(count, files)}`;
}

/** GitHub Actions: escapes for workflow-command properties and messages. */
function ghEscape(text: string, property: boolean): string {
  const out = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? out.replace(/:/g, '%3A').replace(/,/g, '%2C') : out;
}

const GITHUB_LEVEL = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' } as const;

/**
 * GitHub Actions workflow commands (`::error file=...,line=...::message`): each finding becomes an
 * annotation on the pull request's diff, without uploading SARIF.
 */
export function formatGithub(results: FileFindings[]): string {
  const out: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const s = loc(r.lines, f.start);
      const e = loc(r.lines, f.end);
      const props = [
        `file=${ghEscape(r.filename, true)}`,
        `line=${s.row}`,
        `col=${s.column}`,
        `endLine=${e.row}`,
        ...(e.row === s.row ? [`endColumn=${e.column}`] : []),
        `title=${ghEscape(`${f.code} ${f.name}`, true)}`,
      ];
      out.push(`::${GITHUB_LEVEL[f.severity]} ${props.join(',')}::${ghEscape(`${f.code} ${f.message} (${docsUrl(f.code)})`, false)}`);
    }
  }
  return out.join('\n');
}

/** Ruff's JSON shape: one array of findings with 1-based rows and columns. */
export function formatJson(results: FileFindings[]): string {
  const out = [];
  for (const r of results) {
    for (const f of r.findings) {
      const fix = f.fixes[0];
      out.push({
        filename: r.filename,
        code: f.code,
        name: f.name,
        message: f.message,
        severity: f.severity,
        url: docsUrl(f.code),
        location: loc(r.lines, f.start),
        end_location: loc(r.lines, f.end),
        fix: fix
          ? {
              message: fix.title,
              edits: fix.edits.map((e) => ({ content: e.newText, location: loc(r.lines, e.start), end_location: loc(r.lines, e.end) })),
            }
          : null,
      });
    }
  }
  return JSON.stringify(out, null, 2);
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

export function formatSarif(results: FileFindings[], version: string): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pyspark-architect',
            version,
            rules: RULES.map((r) => ({
              id: r.code,
              name: r.name,
              shortDescription: { text: r.summary },
              helpUri: docsUrl(r.code),
              defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
            })),
          },
        },
        results: results.flatMap((r) =>
          r.findings.map((f) => {
            const s = loc(r.lines, f.start);
            const e = loc(r.lines, f.end);
            return {
              ruleId: f.code,
              level: SARIF_LEVEL[f.severity],
              message: { text: f.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: r.filename.split('\\').join('/') },
                    region: { startLine: s.row, startColumn: s.column, endLine: e.row, endColumn: e.column },
                  },
                },
              ],
            };
          }),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
