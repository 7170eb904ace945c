fn one(a) { a }
one(1, 2)
# expect error: one() takes 1 argument, but 2 were given
