# Every syntax error of the file is reported in one run.
let a = 1 + * 2
let = 3
print("x" "y")
fn f() { let = 1 }
# expect error: --> Tests/spec/lexical/several_syntax_errors.vs:2:13
# expect error: --> Tests/spec/lexical/several_syntax_errors.vs:3:5
# expect error: --> Tests/spec/lexical/several_syntax_errors.vs:4:11
# expect error: --> Tests/spec/lexical/several_syntax_errors.vs:5:14
# expect error: 4 errors
# expect exit: 65
