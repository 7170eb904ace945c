fn work() {
    defer { print("cleanup 1") }
    defer { print("cleanup 2") }
    print("working")
    return "done"
}
print(work())
# expect: working
# expect: cleanup 2
# expect: cleanup 1
# expect: done
