fn f() {
    param count = 3
}
# expect error: param is only allowed at the top level of a file
# expect exit: 65
