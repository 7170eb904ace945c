fn grade(n) {
    if n >= 90 {
        return "A"
    } else if n >= 80 {
        return "B"
    } else {
        return "C"
    }
}
print(grade(95), grade(85), grade(10))  # expect: A B C
if false { print("no") }
if 1 { print("truthy int") }  # expect: truthy int
if nil { print("no") } else { print("nil is false") }  # expect: nil is false
