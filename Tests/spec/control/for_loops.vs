for x in [1, 2] { print(x) }
# expect: 1
# expect: 2
for i, x in ["a", "b"] { print(i, x) }
# expect: 0 a
# expect: 1 b
for i in 0...2 { print(i) }
# expect: 0
# expect: 1
# expect: 2
for i in range(3, 0, -1) { print(i) }
# expect: 3
# expect: 2
# expect: 1
let r = 5..<7
for i in r { print(i) }
# expect: 5
# expect: 6
for i, v in 10..<12 { print(i, v) }
# expect: 0 10
# expect: 1 11
