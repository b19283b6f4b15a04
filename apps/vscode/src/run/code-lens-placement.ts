/**
 * Where the "Run" CodeLenses go and what each one runs: "Run" at the top of the file, "Run
 * session" at each `@connect`, "Run to here" on each step that checks a reply. Pure:
 * the CodeLens provider turns placements into `vscode.CodeLens`es bound to the run commands.
 */
import type { TranscriptFile } from '@smtp/transcript';
import type { RunScope } from './run-scope.js';

/** One lens: the line it stands above, its title and what it runs. */
export interface LensPlacement {
  /** 0-based line the lens is shown above. */
  readonly line: number;
  readonly title: string;
  readonly tooltip: string;
  readonly target: RunScope;
}

/** The lenses of a file, in line order (a line may carry several). */
export function codeLensPlacements(file: TranscriptFile): LensPlacement[] {
  if (file.sessions.length === 0) return [];
  const placements: LensPlacement[] = [
    {
      line: 0,
      title: '$(play) Run',
      tooltip: 'Run every session of this transcript',
      target: { kind: 'file' },
    },
  ];
  const several = file.sessions.length > 1;
  for (const session of file.sessions) {
    // The implicit first session is the whole file unless another follows it.
    if (session.connect || several) {
      placements.push({
        line: session.range.start.line,
        title: `$(play) Run session ${session.index + 1}`,
        tooltip: `Run only session ${session.index + 1} of this transcript`,
        target: { kind: 'session', index: session.index },
      });
    }
    // On each reply expectation: running "to here" means through that check. (A send group
    // alone would stop before its reply is read.)
    for (const step of session.steps) {
      if (step.kind !== 'expect') continue;
      const line = step.range.start.line;
      placements.push({
        line,
        title: 'Run to here',
        tooltip: `Run from the start of the file through line ${line + 1}, then stop`,
        target: { kind: 'to-line', line },
      });
    }
  }
  return placements.sort((a, b) => a.line - b.line);
}
