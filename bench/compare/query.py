"""Prints one SQL query that lists every row of every atlas table as JSON, without the excluded
columns (times, run ids, paths, code versions), sorted, so two warehouses compare with diff."""
import sys
EXCLUDE = set(sys.argv[1].split(',')) if len(sys.argv) > 1 else set()
WH = sys.argv[2] if len(sys.argv) > 2 else None
ONLY = set(sys.argv[3].split(',')) if len(sys.argv) > 3 else None
parts = []
for line in open(__file__.rsplit('/', 1)[0] + '/cols.txt'):
    t, cols = line.split()
    keep = [c for c in cols.split(',') if c not in EXCLUDE and f'{t}.{c}' not in EXCLUDE]
    if ONLY and t not in ONLY:
        continue
    src = f"delta.`{WH}/atlas.db/{t}`" if WH else f"atlas.{t}"
    parts.append(f"SELECT '{t}' AS t, to_json(struct({', '.join(keep)})) AS r FROM {src}")
print(' UNION ALL '.join(parts) + ' ORDER BY t, r')
