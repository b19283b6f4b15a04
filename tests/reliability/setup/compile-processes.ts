import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Compiles the helper processes (TypeScript) to JavaScript that plain `node` runs. Their imports
 * of workspace packages resolve to the packages' built `dist/`, as an installed package would.
 * Type checking is the suite's typecheck's job; this only strips types.
 */
export function compileProcesses(sourceDir: string, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(sourceDir)) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
    const source = readFileSync(path.join(sourceDir, name), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: name,
      compilerOptions: {
        // ESM: the tests package is "type": "module".
        module: ts.ModuleKind.ES2022,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    writeFileSync(path.join(outDir, name.replace(/\.ts$/, '.js')), outputText);
  }
}
