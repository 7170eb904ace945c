var i = 0
var total = 0
while i < 5 {
    total += i
    i += 1
}
print(total)  # expect: 10
while false { print("never") }
