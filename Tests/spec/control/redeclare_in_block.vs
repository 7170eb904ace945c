fn f() {
    let a = 1
    let a = 2
}
# expect error: a is already declared in this block, at line 2
