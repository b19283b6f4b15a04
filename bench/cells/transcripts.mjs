/**
 * The transcript runner: files per second that `runFiles` runs, 1,000 small transcripts (one
 * delivery each: greeting, EHLO, a pipelined envelope, a dot-stuffed body, QUIT), each file with
 * its own embedded server started and closed in this process, with `jobs` 1 and 4. No other tool
 * runs `.smtp` files, so the cell compares the runner with itself: the ratio says what running
 * files side by side buys on this machine. The process CPU per file is in the notes.
 * Also runnable on its own: `node bench/cells/transcripts.mjs`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFiles } from '@smtp/transcript';

const FILES = 1000;

/** A small transcript: one delivery, pipelined envelope, a body line that needs its dot doubled. */
function transcript(n) {
  return `# bench transcript ${n}
S: 220 mx.example.test ESMTP *
C: EHLO client${n}.example.test
S: 250-mx.example.test *
S: ...
S: 250 HELP
C: MAIL FROM:<sender${n}@example.test>
C: RCPT TO:<rcpt${n}@example.test>
C: DATA
S: 250 2.1.0 *
S: 250 2.1.5 *
S: 354 *
C: Subject: bench ${n}
C:
C: ..a line that starts with a dot
C: .
S: 250 2.0.0 *
C: QUIT
S: 221 2.0.0 *
`;
}

const cell = {
  name: 'transcripts',
  unit: 'files/s',
  rounds: 2,
  // prepare runs 20 files first; a run is 1,000 files, so no extra warm-up run.
  warmup: false,
  // One measurement is one pass over the 1,000 files (a few seconds), so it is not repeated.
  secondsPerMeasure: 0.1,
  capSeconds: 150,
  async prepare() {
    const dir = mkdtempSync(join(tmpdir(), 'smtp-bench-transcripts-'));
    const paths = [];
    for (let n = 0; n < FILES; n++) {
      const path = join(dir, `t${String(n).padStart(4, '0')}.smtp`);
      writeFileSync(path, transcript(n));
      paths.push(path);
    }
    const check = await runFiles(paths.slice(0, 20), { cwd: dir, env: {}, jobs: 4 });
    if (check.exitCode !== 0) {
      const failure = check.files.flatMap((f) => [
        ...f.failures,
        ...f.sessions.flatMap((s) => s.failures),
      ])[0];
      throw new Error(`benchmark transcripts do not pass: ${failure?.message ?? check.status}`);
    }
    const cpu = new Map();
    const notes = [];
    const contender = (jobs) => ({
      key: `jobs${jobs}`,
      label: `runFiles, jobs ${jobs} (${FILES.toLocaleString('en-US')} files)`,
      // This process's CPU (runner and embedded servers both run here): CPU µs per file.
      cpu: () => {
        const used = process.cpuUsage();
        return (used.user + used.system) / 1e6;
      },
      run: async () => {
        const before = process.cpuUsage();
        const result = await runFiles(paths, { cwd: dir, env: {}, jobs });
        const used = process.cpuUsage(before);
        if (result.exitCode !== 0) throw new Error(`jobs ${jobs}: the run did not pass (${result.status})`);
        const total = cpu.get(jobs) ?? { micros: 0, files: 0 };
        cpu.set(jobs, { micros: total.micros + used.user + used.system, files: total.files + FILES });
        return FILES;
      },
    });
    return {
      title: `runFiles over ${FILES.toLocaleString('en-US')} one-delivery transcripts, an embedded server per file`,
      contenders: [contender(1), contender(4)],
      ratios: [{ name: 'transcripts-jobs4/jobs1', numerator: 'jobs4', denominator: 'jobs1' }],
      notes,
      async dispose() {
        for (const [jobs, { micros, files }] of cpu) {
          notes.push(
            `jobs ${jobs}: ${Math.round(micros / files)} µs of this process's CPU per file (server and runner together)`,
          );
        }
        notes.push(
          'Each file: parse, start an embedded server on a free loopback port, one TCP session, close.',
        );
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export default cell;

// Standalone: `node bench/cells/transcripts.mjs` (the driver runs cells listed in run.mjs).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { measureSideBySide, median } = await import('../lib/rounds.mjs');
  const prepared = await cell.prepare();
  const rounds = await measureSideBySide({
    contenders: prepared.contenders,
    rounds: cell.rounds,
    secondsPerMeasure: cell.secondsPerMeasure,
    capSeconds: cell.capSeconds,
  });
  await prepared.dispose();
  console.log(prepared.title);
  for (const contender of prepared.contenders) {
    const rates = rounds.map((round) => round.get(contender.key));
    console.log(
      `  ${contender.label.padEnd(40)} ${Math.round(median(rates)).toLocaleString('en-US')} ${cell.unit}`,
    );
  }
  for (const ratio of prepared.ratios) {
    const value = median(rounds.map((round) => round.get(ratio.numerator) / round.get(ratio.denominator)));
    console.log(`RATIO ${ratio.name} ${value.toFixed(2)}`);
  }
  for (const note of prepared.notes) console.log(`  note: ${note}`);
}
