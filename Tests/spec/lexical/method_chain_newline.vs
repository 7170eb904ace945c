# A line starting with . or ?. continues the expression above.
let words = "b a c"
    .split(" ")
    .sorted()
print(words.join(","))  # expect: a,b,c
let m = nil
let v = m
    ?.name
print(v)  # expect: nil
