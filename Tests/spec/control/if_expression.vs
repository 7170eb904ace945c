let n = 5
let size = if n > 3 { "big" } else { "small" }
print(size)  # expect: big
let nothing = if false { 1 }
print(nothing)  # expect: nil
let chain = if n < 0 { "neg" } else if n == 0 { "zero" } else { "pos" }
print(chain)  # expect: pos
print(if true { 1 } else { 2 } + 10)  # expect: 11
