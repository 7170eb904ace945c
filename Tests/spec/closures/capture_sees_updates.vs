var x = 1
let get = fn() { x }
x = 2
print(get())  # expect: 2
fn local() {
    var y = "before"
    let g = fn() { y }
    y = "after"
    return g()
}
print(local())  # expect: after
