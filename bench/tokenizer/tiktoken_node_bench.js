// Reference speed of npm tiktoken (WASM build of the openai/tiktoken Rust core) on the same corpus
// as tokenizer_bench. Usage: node tiktoken_node_bench.js [o200k_base|cl100k_base] [CORPUS] [SECONDS]
//   (needs `npm install tiktoken@1.0.22`; NODE_PATH may point at its node_modules)
const fs = require('fs');
const { get_encoding } = require('tiktoken');
const name = process.argv[2] || 'o200k_base';
const corpus = process.argv[3] || require('path').join(__dirname, '../../../shared/fixtures/tokenizers/corpus.jsonl');
const budget = Number(process.argv[4] || 2);
const texts = fs.readFileSync(corpus, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text);
const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
let t0 = process.hrtime.bigint();
const enc = get_encoding(name);
console.log(`tiktoken-node ${name}: load ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms`);
let tokens = 0;
for (const t of texts) tokens += enc.encode_ordinary(t).length;
let passes = 0, el = 0;
const s = process.hrtime.bigint();
do {
  for (const t of texts) enc.encode_ordinary(t);
  ++passes;
  el = Number(process.hrtime.bigint() - s) / 1e9;
} while (el < budget);
console.log(`encode ${texts.length} texts, ${bytes} bytes, ${tokens} tokens/pass: ` +
  `${(bytes * passes / el / 1e6).toFixed(1)} MB/s, ${(tokens * passes / el / 1e6).toFixed(2)} Mtok/s, ` +
  `${(el / (passes * texts.length) * 1e6).toFixed(2)} us/text`);
