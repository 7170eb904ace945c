# and / or return the operand that decided; not gives a bool.
print(1 and 2)  # expect: 2
print(0 and 2)  # expect: 0
print(nil or "default")  # expect: default
print("set" or "default")  # expect: set
print(not nil)  # expect: true
print(not 1)  # expect: false
print(not not "x")  # expect: true
print(true and false or true)  # expect: true
var calls = 0
fn bump() { calls += 1; return true }
let r1 = false and bump()
let r2 = true or bump()
print(calls)  # expect: 0
print(not 1 == 2)  # expect: true
