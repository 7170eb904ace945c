fn f() {
    import "./_lib/mathlib.vs" as m
}
# expect error: import is only allowed at the top level of a file
