# Printing is bounded even when a list refers to itself many times.
let xs = [1]
for i in 0..<12 { xs.append(xs) }
let text = str(xs)
print(len(text) < 200)  # expect: true
var v = [0]
for i in 0..<30 { v = [v, v] }
print(len(str(v)) < 2000000)  # expect: true
