import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE } from '../../../shared/protocol';
import type { ParseFailure } from '../parsing/pythonParser';

/**
 * The one diagnostic of a document that was not analysed, so that a file without findings is never
 * mistaken for a clean one. It sits on the first character and says why.
 */
export function notAnalysedDiagnostic(failure: ParseFailure): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    message: `PySpark Architect did not analyse this file: ${failure.message}.`,
  };
}
