# Appending while iterating visits the new items too (the loop reads the live list),
# with a guard here so the test ends.
let xs = [1, 2]
for x in xs {
    if len(xs) < 4 { xs.append(x * 10) }
}
print(xs)  # expect: [1, 2, 10, 20]
