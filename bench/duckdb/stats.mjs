// Prints the table of `parcours stats -q FILE` (TSV, default options) as
// computed by DuckDB from stats.sql, to check parcours against an
// independent implementation and to time the two side by side.
//
//   node bench/duckdb/stats.mjs [--threads N] FILE.ndjson     default: 2 threads
//
// FILE must hold linked records (`parcours link`): see README.md.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

function usage(why) {
  process.stderr.write(`stats.mjs: ${why}; usage: node stats.mjs [--threads N] FILE.ndjson\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let threads = 2;
if (args[0] === '--threads') {
  threads = Number(args[1]);
  if (!Number.isInteger(threads) || threads < 1) usage(`'${args[1]}' is not a thread count`);
  args.splice(0, 2);
}
if (args.length !== 1) usage('name exactly one input file');
const file = args[0];
try {
  closeSync(openSync(file, 'r'));  // fail early, with the reason, on an unreadable input
} catch (e) {
  process.stderr.write(`stats.mjs: ${file}: ${e.message}\n`);
  process.exit(3);
}

// The file name goes into the SQL as a string literal: quotes doubled.
const literal = `'${file.replaceAll("'", "''")}'`;
const sql = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'stats.sql'), 'utf8')
  .replaceAll('{{file}}', literal);

// preserve_insertion_order is DuckDB's default; it is set anyway because the
// record numbering of stats.sql (file order, for duplicates) relies on it.
const instance = await DuckDBInstance.create(':memory:', {
  threads: String(threads),
  preserve_insertion_order: 'true',
});
const connection = await instance.connect();
const statements = await connection.extractStatements(sql);
let result;
for (let i = 0; i < statements.count; ++i) {
  const prepared = await statements.prepare(i);
  result = await prepared.runAndReadAll();
}
const lines = result.getRows().map((row) => row[0]);
process.stdout.write(lines.join('\n') + '\n');
