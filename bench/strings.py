parts = []
for i in range(200000):
    name = f"vm-{i}"
    parts.append(f"{name}:{i * 2}")
joined = ",".join(parts)
print(len(joined))
