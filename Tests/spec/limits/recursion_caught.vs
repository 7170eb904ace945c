fn down(n) { down(n + 1) }
try { down(0) } catch e { print(e.kind) }  # expect: recursion
fn depth(n) { if n == 0 { 0 } else { 1 + depth(n - 1) } }
print(depth(2500))  # expect: 2500
