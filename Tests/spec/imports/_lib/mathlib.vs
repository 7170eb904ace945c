# A helper module: its top-level names become members of the module value.
let pi = 3
fn add(a, b) { a + b }
fn area(r) { pi * r * r }
print("mathlib loaded")
