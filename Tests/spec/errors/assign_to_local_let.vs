fn f() {
    let n = 1
    n += 1
}
# expect error: cannot assign to n: it is declared with let
# expect error: declare it with var at line 2 to change it
