fn f(a, b = 1) { a }
f(1, a: 2)
# expect error: f(): argument a is given twice
