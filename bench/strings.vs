# Building and interpolating strings.
var parts = []
for i in 0..<200000 {
    let name = "vm-${i}"
    parts.append("${name}:${i * 2}")
}
let joined = ",".join(parts)
print(len(joined))
