# Top-level functions can be called before they are declared.
print(later(1))  # expect: 2
fn later(x) { helper(x) + 1 }
fn helper(x) { x }
