# Comparing values that contain themselves is an error, not a crash or a hang.
let xs = [1]
xs.append(xs)
let ys = [1]
ys.append(ys)
try { print(xs == ys) } catch e { print(e.kind, e.message) }  # expect: value cannot compare values nested more than 500 levels deep
try { print(xs < ys) } catch e { print(e.kind) }  # expect: value
try { print(xs in [ys]) } catch e { print(e.kind) }  # expect: value
try { print([ys].indexOf(xs)) } catch e { print(e.kind) }  # expect: value
let m = {}
m.m = m
let n = {}
n.m = n
m == n
# expect error: error[value]: cannot compare values nested more than 500 levels deep
# expect error: a list or map that contains itself cannot be compared with another
