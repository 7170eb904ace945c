let a = 1
}
let b = 2 }
print(a)
# expect error: unmatched "}": no block is open here
# expect error: --> Tests/spec/lexical/unmatched_closing_brace.vs:2:1
# expect error: --> Tests/spec/lexical/unmatched_closing_brace.vs:3:11
# expect error: 2 errors
# expect exit: 65
