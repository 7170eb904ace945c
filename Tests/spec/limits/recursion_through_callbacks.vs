# Recursion that goes through native callbacks (map) is limited too.
fn f(x) { [x].map(f) }
f(1)
# expect error: recursion is too deep
