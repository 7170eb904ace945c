fn f(a, a) { a }
# expect error: duplicate parameter a
