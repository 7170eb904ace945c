print("ab" * -1)
# expect error: cannot repeat a string -1 times
