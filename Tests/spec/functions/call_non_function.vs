let n = 5
n(1)
# expect error: a int is not callable
# expect error: n holds a int
