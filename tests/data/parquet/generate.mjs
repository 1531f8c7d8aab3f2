// Writes the small Parquet files of this folder and checks each with an independent reader.
// Not run by CI; see README.md. Needs node >= 18 and, in the working directory:
//   npm install parquet-wasm apache-arrow hyparquet hyparquet-compressors hyparquet-writer
// Usage: node generate.mjs <output dir>
import { writeFileSync, readFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteBuffer } from 'hyparquet-writer';

const out = process.argv[2] || '.';
const long = 'The quick brown fox jumps over the lazy dog. '.repeat(8).trim();

// Ten rows: nulls, an empty and a blank prompt, repeated values (dictionary), non-ASCII text.
const problem = ['What is 1+1?', 'Solve x^2=4.', null, '', '   ', 'Solve x^2=4.',
                 'Ünïcödé – π ≈ 3.14159 🚀', 'What is 1+1?', long, 'Last'];
const ids = [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, -9000000000n];
const n = [1, null, 3, -4, 5, null, 7, 8, 2147483647, 10];
const tags = [['a', 'b'], [], null, ['c'], ['d', null, 'e'], ['f'], [], ['g'], ['h', 'i', 'j'], null];
const meta = problem.map((_, i) => (i === 3 ? null : { a: i, b: 'm' + i }));

function table() {
  const vecs = {
    id: arrow.vectorFromArray(ids, new arrow.Int64()),
    problem: arrow.vectorFromArray(problem, new arrow.Utf8()),
    n: arrow.vectorFromArray(n, new arrow.Int32()),
    tags: arrow.vectorFromArray(tags, new arrow.List(new arrow.Field('item', new arrow.Utf8(), true))),
    meta: arrow.vectorFromArray(meta, new arrow.Struct([
      new arrow.Field('a', new arrow.Int32(), true), new arrow.Field('b', new arrow.Utf8(), true)])),
  };
  return new arrow.Table(vecs);
}

function mtbench() {
  const prompt = [['Write a haiku.', 'Now make it rhyme.'], ['Explain TCP.', ''], null, [],
                  ['  ', null], ['One turn only']];
  const category = ['writing', 'stem', 'writing', 'math', 'coding', 'roleplay'];
  return new arrow.Table({
    prompt: arrow.vectorFromArray(prompt, new arrow.List(new arrow.Field('element', new arrow.Utf8(), true))),
    category: arrow.vectorFromArray(category, new arrow.Utf8()),
    prompt_id: arrow.vectorFromArray([81n, 82n, 83n, 84n, 85n, 86n], new arrow.Int64()),
  });
}

function blazedit() {
  return new arrow.Table({
    code: arrow.vectorFromArray(['def f():\n    return 1\n', 'x = {"a": 1}\n', null], new arrow.Utf8()),
    change_request: arrow.vectorFromArray(['Return 2 instead.', 'Use {braces}.', 'Nothing'], new arrow.Utf8()),
  });
}

function write(name, tbl, { compression, dict, version, rowGroup, pageRows, plain }) {
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(compression)
    .setDictionaryEnabled(dict)
    .setWriterVersion(version)
    .setMaxRowGroupSize(rowGroup ?? 1024);
  if (plain) b = b.setEncoding(pw.Encoding.PLAIN);
  if (pageRows) b = b.setDataPageRowCountLimit ? b.setDataPageRowCountLimit(pageRows) : b;
  const wasm = pw.Table.fromIPCStream(arrow.tableToIPC(tbl, 'stream'));
  const bytes = pw.writeParquet(wasm, b.build());
  writeFileSync(`${out}/${name}`, bytes);
}

const C = pw.Compression, V = pw.WriterVersion;
write('snappy_dict.parquet', table(), { compression: C.SNAPPY, dict: true, version: V.V1, rowGroup: 4 });
write('zstd_plain.parquet', table(), { compression: C.ZSTD, dict: false, version: V.V1, plain: true });
write('gzip_dict.parquet', table(), { compression: C.GZIP, dict: true, version: V.V1, rowGroup: 3 });
write('uncompressed_plain.parquet', table(), { compression: C.UNCOMPRESSED, dict: false, version: V.V1, plain: true });
write('v2_snappy_dict.parquet', table(), { compression: C.SNAPPY, dict: true, version: V.V2, rowGroup: 5 });
write('v2_zstd_plain.parquet', table(), { compression: C.ZSTD, dict: false, version: V.V2, plain: true });
write('mt_bench.parquet', mtbench(), { compression: C.SNAPPY, dict: true, version: V.V1, rowGroup: 4 });
write('blazedit.parquet', blazedit(), { compression: C.ZSTD, dict: true, version: V.V1 });

// A second, independent writer (hyparquet-writer: its own page layout and defaults).
writeFileSync(`${out}/hyparquet_writer.parquet`, new Uint8Array(parquetWriteBuffer({
  columnData: [
    { name: 'problem', data: problem, type: 'STRING' },
    { name: 'n', data: n, type: 'INT32' },
  ],
})));

// Oracle: read every file back with hyparquet and print the rows.
for (const f of ['snappy_dict', 'zstd_plain', 'gzip_dict', 'uncompressed_plain', 'v2_snappy_dict',
                 'v2_zstd_plain', 'mt_bench', 'blazedit', 'hyparquet_writer']) {
  const buf = readFileSync(`${out}/${f}.parquet`);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const rows = await parquetReadObjects({ file, compressors });
  console.log(f, JSON.stringify(rows, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

// Many small pages in one column chunk, and a dictionary that overflows its size limit so the
// writer falls back to PLAIN pages after the dictionary-encoded ones (as pyarrow does at 1 MB).
{
  const rows = 300;
  const text = Array.from({ length: rows }, (_, i) => (i % 7 === 3 ? null : `row ${i}: ${'xyz'.repeat(i % 5)}`));
  const num = Array.from({ length: rows }, (_, i) => BigInt(i * 1000003));
  const tbl = new arrow.Table({
    text: arrow.vectorFromArray(text, new arrow.Utf8()),
    num: arrow.vectorFromArray(num, new arrow.Int64()),
  });
  const props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.SNAPPY)
    .setDictionaryEnabled(true)
    .setDictionaryPageSizeLimit(600)
    .setDataPageSizeLimit(128)
    .setWriteBatchSize(16)
    .setMaxRowGroupSize(200)
    .build();
  writeFileSync(`${out}/multipage.parquet`,
                pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(tbl, 'stream')), props));
  const buf = readFileSync(`${out}/multipage.parquet`);
  const back = await parquetReadObjects({
    file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), compressors });
  const ok = back.every((r, i) => r.text === text[i] && BigInt(r.num) === num[i]);
  console.log('multipage', rows, 'rows, hyparquet agrees:', ok);
}

// DELTA encodings (what arrow-rs writes for data page v2 without a dictionary): the ten rows as
// DELTA_BYTE_ARRAY / DELTA_BINARY_PACKED, the problem column once more as
// DELTA_LENGTH_BYTE_ARRAY, and 300 rows with shared prefixes and irregular, negative deltas.
{
  const v2 = (extra) => {
    let b = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY)
      .setDictionaryEnabled(false).setWriterVersion(pw.WriterVersion.V2);
    return extra ? extra(b).build() : b.build();
  };
  const put = (name, tbl, props) =>
    writeFileSync(`${out}/${name}`, pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(tbl, 'stream')), props));
  put('v2_delta.parquet', table(), v2());
  put('v2_delta_length.parquet', table(),
      v2((b) => b.setColumnEncoding('problem', pw.Encoding.DELTA_LENGTH_BYTE_ARRAY)));
  const rows = 300;
  const text = Array.from({ length: rows }, (_, i) => (i % 11 === 5 ? null : `shared prefix ${Math.floor(i / 10)} / item ${i}`));
  const num = Array.from({ length: rows }, (_, i) => BigInt(((i * i * 7919) % 100003) - 50000));
  const small = Array.from({ length: rows }, (_, i) => (i % 13 === 0 ? null : (i * 37) % 1000 - 500));
  put('delta_many.parquet', new arrow.Table({
    text: arrow.vectorFromArray(text, new arrow.Utf8()),
    num: arrow.vectorFromArray(num, new arrow.Int64()),
    small: arrow.vectorFromArray(small, new arrow.Int32()),
  }), v2());
  for (const f of ['v2_delta', 'v2_delta_length', 'delta_many']) {
    const buf = readFileSync(`${out}/${f}.parquet`);
    const back = await parquetReadObjects({
      file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), compressors });
    const ok = f !== 'delta_many' ? back.every((r, i) => r.problem === problem[i] && r.n === n[i])
      : back.every((r, i) => r.text === text[i] && BigInt(r.num) === num[i] && r.small === small[i]);
    console.log(f, 'hyparquet agrees:', ok);
  }
}
