# Compares oracle and aiperf tokenize outputs. Usage: compare.py WANT GOT INPUT LABEL
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
t = [json.loads(l)['text'] for l in open(sys.argv[3])]
bad = [i for i in range(len(a)) if a[i]['ids'] != b[i]['ids']]
badd = [i for i in range(len(a)) if 'decoded' in a[i] and 'decoded' in b[i] and a[i]['decoded'] != b[i]['decoded']]
print(sys.argv[4], 'ids mismatches', len(bad), '/', len(a), ' decoded mismatches', len(badd))
for i in bad[:3]: print('  ', repr(t[i][:80]), '\n     want', a[i]['ids'][:20], '\n     got ', b[i]['ids'][:20])
for i in badd[:2]: print('  dec', repr(a[i]['decoded'][:60]), '|', repr(b[i]['decoded'][:60]))
