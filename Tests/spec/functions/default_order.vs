fn f(a = 1, b) { a }
# expect error: parameter b needs a default value because a has one
