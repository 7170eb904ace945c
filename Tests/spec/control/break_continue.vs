var out = []
for i in 0..<10 {
    if i % 2 == 1 { continue }
    if i > 6 { break }
    out.append(i)
}
print(out)  # expect: [0, 2, 4, 6]
var n = 0
while true {
    n += 1
    if n == 3 { break }
}
print(n)  # expect: 3
