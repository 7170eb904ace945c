fn check(x) { if x > 1 { throw error("TOO_BIG", "item ${x} is too big") }; x }
[1, 2].map(check)
# expect error: item 2 is too big (TOO_BIG)
# expect error: in check
