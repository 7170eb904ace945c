let x = 2
if x == 1 {
    print("one")
}
else {
    print("other")
}
# expect: other
