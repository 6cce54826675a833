"""Per table, which columns' value multisets differ between two full dumps (t,r CSV of JSON rows)."""
import csv, json, sys, collections
def load(p):
    out = collections.defaultdict(list)
    with open(p, newline='') as f:
        for row in csv.DictReader(f):
            out[row['t']].append(json.loads(row['r']))
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
for t in sorted(set(a) | set(b)):
    ra, rb = a.get(t, []), b.get(t, [])
    cols = sorted({k for r in ra + rb for k in r})
    diff = [c for c in cols if sorted(json.dumps(r.get(c), sort_keys=True) for r in ra) != sorted(json.dumps(r.get(c), sort_keys=True) for r in rb)]
    print(f"{t}: rows {len(ra)} vs {len(rb)}; differing columns: {', '.join(diff) or 'none'}")
