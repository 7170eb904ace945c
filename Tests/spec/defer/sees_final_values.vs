fn f() {
    var state = "start"
    defer { print("state is", state) }
    state = "end"
}
f()  # expect: state is end
