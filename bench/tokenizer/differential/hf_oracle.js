// ids (+ decoded) from the official HF tokenizers npm binding, one JSON line per input line.
// Usage: node hf_oracle.js DIR INPUT.jsonl ADD_SPECIAL(0|1)
const fs = require('fs');
const { Tokenizer } = require('tokenizers');
const [dir, input, special] = process.argv.slice(2);
const tok = Tokenizer.fromFile(dir + '/tokenizer.json');
const lines = fs.readFileSync(input, 'utf8').split('\n').filter(Boolean);
(async () => {
  const out = [];
  for (const l of lines) {
    const t = JSON.parse(l).text;
    const e = await tok.encode(t, null, { addSpecialTokens: special === '1' });
    const ids = Array.from(e.getIds());
    const dec = await tok.decode(ids, false);
    out.push(JSON.stringify({ count: ids.length, ids, decoded: dec }));
  }
  fs.writeFileSync(1, out.join('\n') + '\n');
})();
