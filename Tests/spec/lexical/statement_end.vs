let a = 1 let b = 2
# expect error: expected end of statement, found keyword "let"
