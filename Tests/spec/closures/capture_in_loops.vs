# Closures made in a loop each see the loop variable (and the loop body's locals) of their own
# iteration; variables declared outside the loop stay shared.
let fs = []
for i in 0..<3 { fs.append(fn() { i }) }
print(fs.map(fn(f) { f() }))  # expect: [0, 1, 2]
let gs = []
for x in ["a", "b"] {
    let label = x + "!"
    gs.append(fn() { label })
}
print(gs[0](), gs[1]())  # expect: a! b!
var count = 0
let bumps = []
for k in [1, 2, 3] { bumps.append(fn() { count += k }) }
for b in bumps { b() }
print(count)  # expect: 6
var n = 0
let hs = []
while n < 2 {
    var mine = n * 10
    hs.append(fn() { mine += 1; mine })
    n += 1
}
print(hs[0](), hs[0](), hs[1]())  # expect: 1 2 11
