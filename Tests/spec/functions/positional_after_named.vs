fn f(a, b) { a }
f(a: 1, 2)
# expect error: positional argument after named arguments
# expect exit: 65
