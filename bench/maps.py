m = {}
hits = 0
for i in range(300000):
    m[f"k{i % 5000}"] = i
    if f"k{(i * 7) % 5000}" in m:
        hits += 1
    if i % 3 == 0:
        m.pop(f"k{(i * 11) % 5000}", None)
print(hits, len(m))
