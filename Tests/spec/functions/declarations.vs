fn add(a, b) { return a + b }
print(add(2, 3))  # expect: 5
fn implicit(x) { x * 10 }
print(implicit(4))  # expect: 40
fn nothing() { }
print(nothing())  # expect: nil
fn early(x) {
    if x { return "yes" }
    "no"
}
print(early(true), early(false))  # expect: yes no
fn bare() { return }
print(bare())  # expect: nil
print(type(add))  # expect: function
print(add)  # expect: <fn add>
