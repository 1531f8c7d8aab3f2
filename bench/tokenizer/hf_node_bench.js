// Reference speed of the official HuggingFace tokenizers Node binding (Rust core) on the same
// corpus as tokenizer_bench: single thread (TOKENIZERS_PARALLELISM=false, UV_THREADPOOL_SIZE=1).
// Usage: node hf_node_bench.js DIR_WITH_tokenizer.json [CORPUS.jsonl] [SECONDS]
//   (needs `npm install tokenizers@0.23.2`; NODE_PATH may point at its node_modules)
const fs = require('fs');
const { Tokenizer } = require('tokenizers');
const dir = process.argv[2];
const corpus = process.argv[3] || require('path').join(__dirname, '../../../shared/fixtures/tokenizers/corpus.jsonl');
const budget = Number(process.argv[4] || 2);
const texts = fs.readFileSync(corpus, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text);
const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
(async () => {
  let t0 = process.hrtime.bigint();
  const file = fs.existsSync(dir + '/tokenizer.json') ? dir + '/tokenizer.json' : dir;
  const tok = Tokenizer.fromFile(file);
  let t1 = process.hrtime.bigint();
  console.log(`hf-node ${dir}: load ${(Number(t1 - t0) / 1e6).toFixed(1)} ms`);
  let tokens = 0;
  for (const e of await tok.encodeBatch(texts, { addSpecialTokens: false })) tokens += e.getIds().length;
  for (const mode of ['batch', 'single']) {
    let passes = 0;
    const s = process.hrtime.bigint();
    let el = 0;
    do {
      if (mode === 'batch') {
        const r = await tok.encodeBatch(texts, { addSpecialTokens: false });
        for (const e of r) e.getIds();
      } else {
        for (const t of texts) (await tok.encode(t, null, { addSpecialTokens: false })).getIds();
      }
      ++passes;
      el = Number(process.hrtime.bigint() - s) / 1e9;
    } while (el < budget);
    console.log(`${mode.padEnd(6)} ${texts.length} texts, ${bytes} bytes, ${tokens} tokens/pass: ` +
      `${(bytes * passes / el / 1e6).toFixed(1)} MB/s, ${(tokens * passes / el / 1e6).toFixed(2)} Mtok/s, ` +
      `${(el / (passes * texts.length) * 1e6).toFixed(2)} us/text`);
  }
})();
