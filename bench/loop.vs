# A sum over ten million iterations.
var sum = 0
for i in 0..<10000000 {
    sum += i
}
print(sum)
