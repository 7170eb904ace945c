fn f(n) { f(n + 1) }
f(0)
# expect error: error[recursion]: recursion is too deep (more than 3000 nested calls, in f)
# expect error: check that the recursion has a base case that is reached
# expect error: traceback (most recent call last):
# expect exit: 1
