// Reads a Mermaid diagram with Mermaid's own parser (the one GitHub and Markdown viewers draw with):
// exits 0 and prints the diagram's type and size if it parses, 1 with the parser's error if not.
// Usage: node clients/mermaid-check.mjs FILE
import mermaid from 'mermaid';
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const text = readFileSync(file, 'utf8');
const lines = text.split('\n').filter((line) => line.trim() !== '').length;
try {
  const parsed = await mermaid.parse(text);
  console.log(`${file}: a ${parsed.diagramType} diagram of ${lines} lines, parsed`);
} catch (e) {
  console.log(`${file}: does not parse: ${String(e.message ?? e).split('\n').slice(0, 3).join(' ')}`);
  process.exit(1);
}
