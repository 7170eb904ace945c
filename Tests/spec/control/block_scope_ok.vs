let x = "outer"
if true {
    let x = "inner"
    print(x)  # expect: inner
}
print(x)  # expect: outer
fn f() {
    let x = "function"
    return x
}
print(f(), x)  # expect: function outer
