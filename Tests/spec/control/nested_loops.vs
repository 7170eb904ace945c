var pairs = []
for i in 0..<3 {
    for j in 0..<3 {
        if j > i { break }
        if j == 1 { continue }
        pairs.append("${i}${j}")
    }
}
print(pairs)  # expect: ["00", "10", "20", "22"]
