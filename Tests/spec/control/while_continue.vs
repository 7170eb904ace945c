var i = 0
var odd = []
while i < 7 {
    i += 1
    if i % 2 == 0 { continue }
    odd.append(i)
}
print(odd)  # expect: [1, 3, 5, 7]
