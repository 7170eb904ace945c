# A defer made in a loop sees the variables of its own iteration, as a closure made there would;
# variables declared outside the loop are shared and seen as they are when the defer runs.
fn f() {
    var total = 0
    for i in 0..<3 {
        let label = "item ${i}"
        defer { print(label, i, total) }
        total += 10
    }
}
f()
# expect: item 2 2 30
# expect: item 1 1 30
# expect: item 0 0 30
