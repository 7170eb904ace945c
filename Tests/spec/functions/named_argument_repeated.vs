fn f(a) { a }
f(a: 1, a: 2)
# expect error: argument a is given twice
# expect exit: 65
