fn f(x) {
    let x = 2
    x
}
# expect error: x is already declared in this block
