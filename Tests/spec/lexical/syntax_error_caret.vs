let x = 1 * / 2
print(x)
# expect error: error: expected an expression, found "/"
# expect error: --> Tests/spec/lexical/syntax_error_caret.vs:1:13
# expect error: 1 | let x = 1 * / 2
# expect error:   |             ^
# expect exit: 65
