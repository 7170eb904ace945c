print(sorted([1, 2], revers: true))
# expect error: sorted() has no parameter named revers
# expect error: did you mean "reverse"?
