fn f() {
    let fixed = 1
    return fn() { fixed = 2 }
}
# expect error: cannot assign to fixed: it is declared with let
